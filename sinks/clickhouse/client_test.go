package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestMigrateDryRunThenTwice(t *testing.T) {
	cfg := testConfig()
	c := openTest(t, cfg)
	ctx := t.Context()
	want := []string{"0001_schema_migrations", "0002_ads", "0003_ad_events", "0004_failed_events"}

	var out bytes.Buffer
	planned, err := c.Migrate(ctx, true, &out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(planned, ",") != strings.Join(want, ",") {
		t.Errorf("dry run planned %v, want %v", planned, want)
	}
	for _, table := range []string{"schema_migrations", "ads", "ad_events", "failed_events"} {
		if stmt := "CREATE TABLE IF NOT EXISTS `" + cfg.Database + "`." + table; !strings.Contains(out.String(), stmt) {
			t.Errorf("dry run output lacks %q:\n%s", stmt, out.String())
		}
	}
	if n := tableCount(t, c); n != 0 {
		t.Fatalf("dry run created %d tables", n)
	}

	applied, err := c.Migrate(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(applied, ",") != strings.Join(want, ",") {
		t.Errorf("first migrate applied %v, want %v", applied, want)
	}
	if n := tableCount(t, c); n != 4 {
		t.Errorf("after migrate the database has %d tables, want 4", n)
	}
	again, err := c.Migrate(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Errorf("second migrate applied %v, want nothing", again)
	}
	out.Reset()
	if planned, err := c.Migrate(ctx, true, &out); err != nil || len(planned) != 0 || out.Len() != 0 {
		t.Errorf("dry run after migrate planned %v and printed %q (err %v), want nothing", planned, out.String(), err)
	}
}

func tableCount(t *testing.T, c *Client) uint64 {
	t.Helper()
	var n uint64
	if err := c.conn.QueryRow(t.Context(), "SELECT count() FROM system.tables WHERE database = ?", c.database).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenClosedPortFailsWithHelp(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	cfg := testConfig()
	cfg.Addr = addr
	cfg.DialTimeout = 2 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err = Open(ctx, cfg, nil)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Open on a closed port: %v, want ErrUnreachable", err)
	}
	for _, want := range []string{addr, "make clickhouse-up"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if ctx.Err() != nil {
		t.Errorf("Open waited for the test deadline instead of failing on the refused connection")
	}
}

func TestOpenRejectsUnsafeDatabase(t *testing.T) {
	cfg := testConfig()
	cfg.Database = "x; DROP DATABASE system"
	if _, err := Open(t.Context(), cfg, nil); err == nil || errors.Is(err, ErrUnreachable) {
		t.Fatalf("Open with database %q: %v, want a configuration error", cfg.Database, err)
	}
}
