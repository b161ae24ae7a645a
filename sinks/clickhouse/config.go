package clickhouse

import (
	"errors"
	"fmt"
	"time"

	"github.com/adshift/adshift/schemas/ddl"
)

// Config is the clickhouse.* section of adshift's configuration.
type Config struct {
	Addr          string        `mapstructure:"addr"`           // host:port of the native protocol
	Database      string        `mapstructure:"database"`       // created when missing
	Username      string        `mapstructure:"username"`       // empty means "default"
	Password      string        `mapstructure:"password"`       //
	BatchRows     int           `mapstructure:"batch_rows"`     // flush when this many rows are pending
	FlushInterval time.Duration `mapstructure:"flush_interval"` // or when the oldest pending row is this old
	Linger        time.Duration `mapstructure:"linger"`         // or when no row has joined for this long
	Flushes       int           `mapstructure:"flushes"`        // batches in flight at once; the next one fills meanwhile
	MaxRetries    int           `mapstructure:"max_retries"`    // retries of a retryable flush error before Write fails
	DialTimeout   time.Duration `mapstructure:"dial_timeout"`   // connecting, including Open's first contact
	TLS           TLS           `mapstructure:"tls"`            // encrypted native protocol
	// Cluster, when set, names the server's cluster (remote_servers) that migrations run ON
	// CLUSTER: each table is a Replicated*MergeTree on every replica, <table>_local, with a
	// Distributed table over them under the table's own name, which adshift reads and writes.
	Cluster string `mapstructure:"cluster"`
}

// DefaultConfig is a local server's configuration.
func DefaultConfig() Config {
	return Config{
		Addr:          "127.0.0.1:9000",
		Database:      "adshift",
		BatchRows:     50000,
		FlushInterval: time.Second,
		Linger:        10 * time.Millisecond,
		Flushes:       2,
		MaxRetries:    8,
		DialTimeout:   5 * time.Second,
	}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	if c.Database == "" {
		c.Database = d.Database
	}
	if c.Username == "" {
		c.Username = "default"
	}
	if c.BatchRows <= 0 {
		c.BatchRows = d.BatchRows
	}
	if c.FlushInterval <= 0 {
		c.FlushInterval = d.FlushInterval
	}
	if c.Linger <= 0 {
		c.Linger = d.Linger
	}
	c.Linger = min(c.Linger, c.FlushInterval)
	if c.Flushes <= 0 {
		c.Flushes = d.Flushes
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = d.MaxRetries
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = d.DialTimeout
	}
	return c
}

// Validate reports a configuration that cannot work, each error naming its key within the
// clickhouse section.
func (c Config) Validate() error {
	var errs []error
	if c.Database != "" && !ddl.ValidDatabase(c.Database) {
		errs = append(errs, fmt.Errorf("database: %q: want letters, digits and underscores", c.Database))
	}
	if c.Flushes < 0 {
		errs = append(errs, fmt.Errorf("flushes: %d must not be negative", c.Flushes))
	}
	if c.Cluster != "" && !ddl.ValidDatabase(c.Cluster) {
		errs = append(errs, fmt.Errorf("cluster: %q: want letters, digits and underscores", c.Cluster))
	}
	if err := c.TLS.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Linger < 0 {
		errs = append(errs, fmt.Errorf("linger: %v must not be negative", c.Linger))
	}
	return errors.Join(errs...)
}
