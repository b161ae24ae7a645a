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
	f(20, 1, Capabilities{TTL: true, LowCardinality: true})
	f(25, 3, Capabilities{TTL: true, LowCardinality: true})
}

func TestRenderOldServer(t *testing.T) {
	ms, err := Render("shop_1", CapabilitiesOf(18, 16))
	if err != nil {
		t.Fatal(err)
	}
	tables := []string{"schema_migrations", "ads", "ad_events", "failed_events"}
	if len(ms) != len(tables) {
		t.Fatalf("got %d migrations, want %d", len(ms), len(tables))
	}
	for i, m := range ms {
		if m.Version != i+1 || m.Name != tables[i] {
			t.Errorf("migration %d = %d %s, want %d %s", i, m.Version, m.Name, i+1, tables[i])
		}
		if !strings.HasPrefix(m.SQL, "CREATE TABLE IF NOT EXISTS `shop_1`."+tables[i]+"\n") {
			t.Errorf("migration %s does not create `shop_1`.%s:\n%s", m.Name, tables[i], m.SQL)
		}
		for _, absent := range []string{"LowCardinality", "TTL", "{{"} {
			if strings.Contains(m.SQL, absent) {
				t.Errorf("migration %s for 18.16 contains %q:\n%s", m.Name, absent, m.SQL)
			}
		}
	}
}

func TestRenderCurrentServer(t *testing.T) {
	ms, err := Render("adshift", CapabilitiesOf(25, 3))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, m := range ms {
		all.WriteString(m.SQL)
	}
	for _, want := range []string{"arm             LowCardinality(String)", "TTL failed_at + INTERVAL 90 DAY"} {
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
