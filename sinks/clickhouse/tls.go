package clickhouse

import "github.com/adshift/adshift/tlsfiles"

// TLS configures encrypted native-protocol connections (the server's tcp_port_secure, 9440 by
// convention; ClickHouse Cloud requires it).
type TLS = tlsfiles.Files
