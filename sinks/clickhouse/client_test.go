package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/schemas/ddl"
)

func TestMigrateDryRunThenTwice(t *testing.T) {
	cfg := testConfig()
	c := openTest(t, cfg)
	ctx := t.Context()
	want := []string{"0001_schema_migrations", "0002_ads", "0003_ad_events", "0004_failed_events",
		"0005_ad_events_product", "0006_ad_outcomes", "0007_ads_dedup_window", "0008_ad_events_dedup_window",
		"0009_failed_events_dedup_window", "0010_ads_generation", "0011_ads_match",
		"0012_ads_unconditional_propensity", "0013_failed_events_user_key", "0014_daily_outcomes", "0015_ads_pre_events"}

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
	for _, stmt := range []string{
		"ALTER TABLE `" + cfg.Database + "`.ad_events ADD COLUMN",
		"CREATE VIEW IF NOT EXISTS `" + cfg.Database + "`.ad_outcomes",
	} {
		if !strings.Contains(out.String(), stmt) {
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
	if n := tableCount(t, c); n != 9 {
		t.Errorf("after migrate the database has %d tables and views, want 4 tables, the ad_outcomes view, "+
			"ad_strategies and outcomes_daily with their materialized views", n)
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

// A database created before product_id existed upgrades in place: its rows stay, the column is
// added, and re-running the ALTER (a crash before it was recorded) is not an error on 18.16.
func TestMigrateUpgradesAnExistingDatabase(t *testing.T) {
	cfg := testConfig()
	c := openTest(t, cfg)
	ctx := t.Context()
	ms, err := ddl.Render(c.database, c.caps)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:4] { // the foundation's schema
		if err := c.conn.Exec(ctx, m.SQL); err != nil {
			t.Fatal(err)
		}
		if err := c.recordMigration(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	old, err := c.conn.PrepareBatch(ctx, "INSERT INTO "+c.table(TableAdEvents)+" (event_id, kind, ad_id, impression_id, user, revenue, currency, order_id, attribution, event_time)")
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Append("imp:old", schemas.Impression, "a1", "", "u-a1", 0.0, "", "", "", epoch); err != nil {
		t.Fatal(err)
	}
	if err := old.Send(); err != nil {
		t.Fatal(err)
	}
	applied, err := c.Migrate(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(ms)-4 || applied[0] != "0005_ad_events_product" {
		t.Errorf("upgrade applied %v", applied)
	}
	w := newWriter(t, c, cfg, nil)
	defer w.Close(ctx)
	e := testEvent("imp:new", schemas.Impression, "a1", 0)
	e.ProductID = "p1"
	if err := w.Write(ctx, schemas.Rows{Events: []schemas.AdEvent{e}}); err != nil {
		t.Fatal(err)
	}
	var products []string
	rows, err := c.conn.Query(ctx, "SELECT event_id || '=' || product_id FROM "+c.table("ad_outcomes")+" ORDER BY event_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		products = append(products, s)
	}
	rows.Close()
	if strings.Join(products, ",") != "imp:new=p1,imp:old=" {
		t.Errorf("ad_outcomes after upgrade: %v", products)
	}
	if err := c.apply(ctx, ms[4]); err != nil {
		t.Errorf("re-adding product_id: %v", err)
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
