// Package tlsfiles is the one way adshift's clients (Kafka, ClickHouse) are configured for TLS:
// PEM files named in the configuration, read into a *tls.Config.
package tlsfiles

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// Files configures encrypted connections to a server: the keys of a `tls` section.
type Files struct {
	Enabled bool `mapstructure:"enabled"`
	// CAFile is a PEM bundle of the authorities that sign the server's certificate; empty trusts
	// the system's roots.
	CAFile string `mapstructure:"ca_file"`
	// CertFile and KeyFile are the client's PEM certificate and key, for servers that
	// authenticate clients by certificate (mTLS); both or neither.
	CertFile string `mapstructure:"cert_file"`
	KeyFile  string `mapstructure:"key_file"`
	// ServerName overrides the name checked against the server's certificate (default: the host
	// dialled).
	ServerName string `mapstructure:"server_name"`
	// InsecureSkipVerify accepts any certificate; adshift warns whenever it is on.
	InsecureSkipVerify bool `mapstructure:"insecure_skip_verify"`
}

// Validate reports settings that cannot work, naming the keys relative to the section
// ("tls: …").
func (t Files) Validate() error {
	if !t.Enabled {
		if t != (Files{}) {
			return errors.New("tls: ca_file, cert_file, key_file, server_name or insecure_skip_verify is set but tls.enabled is false")
		}
		return nil
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return errors.New("tls: cert_file and key_file go together: set both or neither")
	}
	return nil
}

// Config reads the certificate files into the *tls.Config a client dials with; nil when TLS is
// off.
func (t Files) Config() (*tls.Config, error) {
	if !t.Enabled {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s: no PEM certificate in it", t.CAFile)
		}
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("cert_file %s, key_file %s: %w", t.CertFile, t.KeyFile, err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}
