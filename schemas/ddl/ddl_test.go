package ddl

import (
	"strings"
	"testing"
)

func TestCapabilitiesOf(t *testing.T) {
	f := func(major, minor uint64, want Capabilities) {
		t.Helper()
		if got := CapabilitiesOf(major, minor); got != want {
			t.Errorf("CapabilitiesOf(%d, %d) = %+v, want %+v", major, minor, got, want)
		}
	}
	f(18, 16, Capabilities{})
	f(19, 5, Capabilities{})
	f(19, 6, Capabilities{TTL: true})
	f(20, 1, Capabilities{TTL: true, LowCardinality: true, AddColumnIfNotExists: true})
	f(22, 1, Capabilities{TTL: true, LowCardinality: true, AddColumnIfNotExists: true})
	f(22, 2, Capabilities{TTL: true, LowCardinality: true, AddColumnIfNotExists: true, InsertDedupToken: true})
	f(25, 3, Capabilities{TTL: true, LowCardinality: true, AddColumnIfNotExists: true, InsertDedupToken: true})
}

var names = []string{"schema_migrations", "ads", "ad_events", "failed_events", "ad_events_product", "ad_outcomes",
	"ads_dedup_window", "ad_events_dedup_window", "failed_events_dedup_window", "ads_generation", "ads_match",
	"ads_unconditional_propensity", "failed_events_user_key", "daily_outcomes", "ads_pre_events"}

func TestRenderOldServer(t *testing.T) {
	ms, err := Render("shop_1", CapabilitiesOf(18, 16))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != len(names) {
		t.Fatalf("got %d migrations, want %d", len(ms), len(names))
	}
	for i, m := range ms {
		if m.Version != i+1 || m.Name != names[i] {
			t.Errorf("migration %d = %s, want %04d_%s", i, m.ID(), i+1, names[i])
		}
		for _, absent := range []string{"LowCardinality", "TTL", "{{", "IF NOT EXISTS product_id", "SETTING"} {
			if strings.Contains(m.SQL, absent) {
				t.Errorf("migration %s for 18.16 contains %q:\n%s", m.Name, absent, m.SQL)
			}
		}
	}
	for i := range 4 {
		if !strings.HasPrefix(ms[i].SQL, "CREATE TABLE IF NOT EXISTS `shop_1`."+names[i]+"\n") {
			t.Errorf("migration %s does not create `shop_1`.%s:\n%s", ms[i].Name, names[i], ms[i].SQL)
		}
	}
	if want := "ALTER TABLE `shop_1`.ad_events ADD COLUMN product_id String AFTER impression_id"; ms[4].SQL != want || !ms[4].AddsColumn() {
		t.Errorf("0005 = %q, want %q", ms[4].SQL, want)
	}
	if !strings.HasPrefix(ms[5].SQL, "CREATE VIEW IF NOT EXISTS `shop_1`.ad_outcomes AS") || ms[5].AddsColumn() {
		t.Errorf("0006 = %q", ms[5].SQL)
	}
	for _, m := range ms[6:9] {
		if m.SQL != "" {
			t.Errorf("%s renders %q on 18.16, which has no insert dedup window", m.ID(), m.SQL)
		}
	}
	if m := ms[9]; !m.AddsColumn() || !strings.Contains(m.SQL, "ADD COLUMN violations Array(String) AFTER verdict") {
		t.Errorf("0010 = %q", m.SQL)
	}
	if m := ms[10]; !m.AddsColumn() || !strings.Contains(m.SQL, "ADD COLUMN interest_model String DEFAULT '' AFTER fallback") ||
		!strings.Contains(m.SQL, "ADD COLUMN match_rank UInt32 DEFAULT 0") || !strings.Contains(m.SQL, "ADD COLUMN match_interest String DEFAULT ''") {
		t.Errorf("0011 = %q", m.SQL)
	}
	if m := ms[11]; !m.AddsColumn() || m.SQL != "ALTER TABLE `shop_1`.ads ADD COLUMN unconditional_propensity Float64 DEFAULT 0 AFTER propensity" {
		t.Errorf("0012 = %q", m.SQL)
	}
	if m := ms[12]; !m.AddsColumn() || m.SQL != "ALTER TABLE `shop_1`.failed_events ADD COLUMN user String DEFAULT '' AFTER failure_id, ADD COLUMN `key` String DEFAULT '' AFTER user" {
		t.Errorf("0013 = %q", m.SQL)
	}
}

func TestRenderCurrentServer(t *testing.T) {
	ms, err := Render("adshift", CapabilitiesOf(25, 3))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, m := range ms {
		all.WriteString(m.SQL + "\n")
	}
	for _, want := range []string{
		"arm             LowCardinality(String)",
		"TTL failed_at + INTERVAL 90 DAY",
		"ADD COLUMN IF NOT EXISTS product_id String",
		"ADD COLUMN IF NOT EXISTS match_interest LowCardinality(String) DEFAULT '' AFTER match_score",
		"ALTER TABLE `adshift`.ads MODIFY SETTING non_replicated_deduplication_window = 1000",
		"ALTER TABLE `adshift`.ad_events MODIFY SETTING non_replicated_deduplication_window = 1000",
		"ALTER TABLE `adshift`.failed_events MODIFY SETTING non_replicated_deduplication_window = 1000",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("rendered DDL lacks %q", want)
		}
	}
}

func TestRenderRejectsUnsafeDatabase(t *testing.T) {
	for _, name := range []string{"", "a-b", "x; DROP TABLE y", "1st", "a`b"} {
		if _, err := Render(name, Capabilities{}); err == nil {
			t.Errorf("Render(%q) succeeded, want an error", name)
		}
	}
}

// On a cluster every statement runs ON CLUSTER, tables are replicated <table>_local ones behind
// Distributed tables sharded by id, and an added column re-creates the Distributed table.
func TestRenderOnCluster(t *testing.T) {
	ms, err := RenderOn("shop_1", "adshift", CapabilitiesOf(18, 16))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, stmt := range m.Statements() {
			if !strings.Contains(stmt, " ON CLUSTER `adshift`") {
				t.Errorf("%s runs %q on one server only", m.ID(), stmt)
			}
		}
	}
	ads := ms[1].Statements()
	if len(ads) != 2 || !strings.HasPrefix(ads[0], "CREATE TABLE IF NOT EXISTS `shop_1`.ads_local ON CLUSTER `adshift`\n") ||
		!strings.Contains(ads[0], "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/shop_1/ads', '{replica}')") ||
		ads[1] != "CREATE TABLE IF NOT EXISTS `shop_1`.ads ON CLUSTER `adshift` AS `shop_1`.ads_local ENGINE = Distributed(`adshift`, `shop_1`, ads_local, cityHash64(ad_id))" {
		t.Errorf("0002 on a cluster = %q", ads)
	}
	if s := ms[0].Statements()[0]; !strings.Contains(s, "'{replica}', applied_at)") {
		t.Errorf("0001 on a cluster = %q", s)
	}
	alter := ms[12].Statements()
	if len(alter) != 3 || !strings.HasPrefix(alter[0], "ALTER TABLE `shop_1`.failed_events_local ON CLUSTER `adshift` ADD COLUMN user") ||
		alter[1] != "DROP TABLE IF EXISTS `shop_1`.failed_events ON CLUSTER `adshift`" ||
		!strings.Contains(alter[2], "Distributed(`adshift`, `shop_1`, failed_events_local, cityHash64(failure_id))") {
		t.Errorf("0013 on a cluster = %q", alter)
	}
	current, err := RenderOn("shop_1", "adshift", CapabilitiesOf(25, 3))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range current[6:9] {
		if m.SQL != "" {
			t.Errorf("%s renders %q for replicated tables, which dedup inserts themselves", m.ID(), m.SQL)
		}
	}
	if _, err := RenderOn("shop_1", "bad-name", Capabilities{}); err == nil {
		t.Error("a cluster name with a dash renders")
	}
}

// Every INSERT a migration runs names its columns, as current releases want.
func TestRenderInsertsNameColumns(t *testing.T) {
	ms, err := Render("shop_1", CapabilitiesOf(25, 3))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, stmt := range m.Statements() {
			if !strings.HasPrefix(stmt, "INSERT INTO ") {
				continue
			}
			head, _, _ := strings.Cut(stmt, "\n")
			if !strings.Contains(head, " (") {
				t.Errorf("%s inserts without naming its columns: %q", m.ID(), head)
			}
		}
	}
}
