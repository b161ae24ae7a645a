package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/adshift/adshift/schemas/ddl"
)

// ErrUnreachable is returned (wrapped) by Open when no ClickHouse server answers at the address.
var ErrUnreachable = errors.New("clickhouse unreachable")

// Client is a connection pool to one ClickHouse server and database. It is safe for concurrent use.
type Client struct {
	conn     driver.Conn
	addr     string
	database string
	cluster  string
	caps     ddl.Capabilities
	version  string
	log      *slog.Logger
}

// Open connects like Connect and creates cfg.Database when missing: for the commands that write
// (run, migrate). A nil logger discards.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*Client, error) {
	c, err := Connect(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	if err := c.conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS `"+c.database+"`"+c.onCluster()); err != nil {
		c.conn.Close()
		return nil, fmt.Errorf("create database %s: %w", c.database, err)
	}
	return c, nil
}

// Connect connects to the server at cfg.Addr and detects its capabilities. It creates nothing,
// so the commands that only read (report, migrate --dry-run) leave a server as they found it;
// cfg.Database may not exist yet (DatabaseExists). A nil logger discards.
func Connect(ctx context.Context, cfg Config, logger *slog.Logger) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("clickhouse config: %w", err)
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	tlsConfig, err := cfg.TLS.Config()
	if err != nil {
		return nil, fmt.Errorf("clickhouse.tls: %w", err)
	}
	if cfg.TLS.Enabled && cfg.TLS.InsecureSkipVerify {
		logger.Warn("clickhouse.tls.insecure_skip_verify is on: the server's certificate is not verified, so anyone on the path can impersonate it")
	}
	var settings ch.Settings
	if cfg.Cluster != "" {
		// An insert into a Distributed table returns once every shard has its rows, so a Write's
		// acknowledgement means what it means on one server.
		settings = ch.Settings{"insert_distributed_sync": 1}
	}
	conn, err := ch.Open(&ch.Options{
		Addr:        []string{cfg.Addr},
		Auth:        ch.Auth{Database: "default", Username: cfg.Username, Password: cfg.Password},
		DialTimeout: cfg.DialTimeout,
		TLS:         tlsConfig,
		Settings:    settings,
	})
	if err != nil {
		return nil, fmt.Errorf("clickhouse at %s: %w", cfg.Addr, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	if err := conn.Ping(pingCtx); err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ex *ch.Exception
		if errors.As(err, &ex) {
			return nil, fmt.Errorf("clickhouse at %s: %w", cfg.Addr, err)
		}
		return nil, fmt.Errorf("%w: nothing answers at %s (is it running? make clickhouse-up): %w",
			ErrUnreachable, cfg.Addr, err)
	}
	sv, err := conn.ServerVersion()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse at %s: server version: %w", cfg.Addr, err)
	}
	c := &Client{
		conn:     conn,
		addr:     cfg.Addr,
		database: cfg.Database,
		cluster:  cfg.Cluster,
		caps:     ddl.CapabilitiesOf(sv.Version.Major, sv.Version.Minor),
		version:  fmt.Sprintf("%d.%d.%d", sv.Version.Major, sv.Version.Minor, sv.Version.Patch),
		log:      logger,
	}
	logger.Info("clickhouse connected", "addr", cfg.Addr, "version", c.version, "database", cfg.Database, "cluster", cfg.Cluster,
		"low_cardinality", c.caps.LowCardinality, "ttl", c.caps.TTL, "insert_dedup_token", c.caps.InsertDedupToken)
	return c, nil
}

// DatabaseExists reports whether the client's database is on the server.
func (c *Client) DatabaseExists(ctx context.Context) (bool, error) {
	var n uint64
	if err := c.conn.QueryRow(ctx, "SELECT count() FROM system.databases WHERE name = ?", c.database).Scan(&n); err != nil {
		return false, fmt.Errorf("look for database %s: %w", c.database, err)
	}
	return n > 0, nil
}

// RequireDatabase returns a *MissingError when the client's database is not on the server.
func (c *Client) RequireDatabase(ctx context.Context) error {
	ok, err := c.DatabaseExists(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return &MissingError{Addr: c.addr, Database: c.database}
	}
	return nil
}

// Database is the database the client reads and writes.
func (c *Client) Database() string { return c.database }

// ServerVersion is the server's major.minor.patch.
func (c *Client) ServerVersion() string { return c.version }

// Close closes every connection.
func (c *Client) Close() error { return c.conn.Close() }

// onCluster is " ON CLUSTER `name`" for a client of a cluster, else nothing.
func (c *Client) onCluster() string {
	if c.cluster == "" {
		return ""
	}
	return " ON CLUSTER `" + c.cluster + "`"
}

// table is the qualified, quoted name of one of adshift's tables.
func (c *Client) table(name string) string { return "`" + c.database + "`." + name }

// Migrate applies the migrations the database lacks, in order, and returns the names of those it
// applied ("0002_ads"). It is idempotent: a second run applies nothing. With dryRun it applies
// nothing and prints the DDL it would run to out instead, beginning with the database's creation
// when it does not exist yet (a Client from Connect).
func (c *Client) Migrate(ctx context.Context, dryRun bool, out io.Writer) (applied []string, err error) {
	ms, err := ddl.RenderOn(c.database, c.cluster, c.caps)
	if err != nil {
		return nil, err
	}
	if dryRun {
		exists, err := c.DatabaseExists(ctx)
		if err != nil {
			return nil, err
		}
		if !exists {
			if _, err := fmt.Fprintf(out, "-- database %s does not exist yet\nCREATE DATABASE IF NOT EXISTS `%s`%s;\n\n", c.database, c.database, c.onCluster()); err != nil {
				return nil, err
			}
		}
	}
	done, err := c.appliedVersions(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		id := m.ID()
		if dryRun {
			sql := m.SQL + ";"
			if m.SQL == "" {
				sql = "-- nothing to do on ClickHouse " + c.version + "; recorded only"
			}
			if _, err := fmt.Fprintf(out, "-- %s\n%s\n\n", id, sql); err != nil {
				return applied, err
			}
			applied = append(applied, id)
			continue
		}
		if err := c.apply(ctx, m); err != nil {
			return applied, fmt.Errorf("migration %s: %w", id, err)
		}
		if err := c.recordMigration(ctx, m); err != nil {
			return applied, fmt.Errorf("record migration %s: %w", id, err)
		}
		c.log.Info("migration applied", "migration", id, "database", c.database)
		applied = append(applied, id)
	}
	return applied, nil
}

// apply runs one migration. A migration that renders to nothing is skipped. An added column that
// already exists counts as applied: 18.16 has no ADD COLUMN IF NOT EXISTS, and a crash between the
// ALTER and its record in schema_migrations must not wedge every later start.
func (c *Client) apply(ctx context.Context, m ddl.Migration) error {
	for _, stmt := range m.Statements() {
		err := c.conn.Exec(ctx, stmt)
		var ex *ch.Exception
		if err != nil && m.AddsColumn() && errors.As(err, &ex) && ex.Code == 44 && strings.Contains(ex.Message, "already exists") {
			c.log.Info("migration's column already exists", "migration", m.ID())
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// recordMigration notes m in schema_migrations. It inserts through a batch: an INSERT with
// inline VALUES through Exec never completes on ClickHouse 18.16.
func (c *Client) recordMigration(ctx context.Context, m ddl.Migration) error {
	batch, err := c.conn.PrepareBatch(ctx, "INSERT INTO "+c.table("schema_migrations")+" (version, name, applied_at)")
	if err != nil {
		return err
	}
	if err := batch.Append(uint32(m.Version), m.Name, time.Now()); err != nil {
		_ = batch.Abort()
		return err
	}
	return batch.Send()
}

// appliedVersions reads schema_migrations; a database without it has applied nothing.
func (c *Client) appliedVersions(ctx context.Context) (map[int]bool, error) {
	var exists uint8
	err := c.conn.QueryRow(ctx, "SELECT count() > 0 FROM system.tables WHERE database = ? AND name = 'schema_migrations'",
		c.database).Scan(&exists)
	if err != nil {
		return nil, fmt.Errorf("look for schema_migrations: %w", err)
	}
	done := map[int]bool{}
	if exists == 0 {
		return done, nil
	}
	rows, err := c.conn.Query(ctx, "SELECT DISTINCT version FROM "+c.table("schema_migrations"))
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		done[int(v)] = true
	}
	return done, rows.Err()
}
