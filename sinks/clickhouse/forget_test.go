package clickhouse

import (
	"fmt"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// Forget deletes every row of the shoppers named from ads, ad_events and failed_events (by user,
// by key, and in the payload of a dead letter that landed without either), leaves everyone
// else's, and says how many rows each table held; forgetting again finds nothing and deletes
// nothing.
func TestForgetDeletesTheShoppersRows(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	old := testFailure("clickstream/0/9", schemas.MalformedJSON)
	old.User, old.Key, old.Payload = "", "", `{"userId":"u-a1","event":`
	// Another dead letter without user or key that names the id only as a product: kept.
	other := testFailure("clickstream/0/10", schemas.MalformedJSON)
	other.User, other.Key, other.Payload = "", "", `{"userId":"u-b","properties":{"product_id":"u-a1"`
	rows := schemas.Rows{
		Ads: []schemas.Ad{testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment),
			testAd("a2", "value", schemas.GeneratorLLM, schemas.GroupTreatment)},
		Events: []schemas.AdEvent{testEvent("imp:1", schemas.Impression, "a1", 0), testEvent("conv:1", schemas.Conversion, "a1", 30),
			testEvent("imp:2", schemas.Impression, "a2", 0)},
		Failures: []schemas.FailedEvent{testFailure("a1", schemas.MalformedJSON), old, other, testFailure("a2", schemas.MalformedJSON)},
	}
	rows.Failures[0].User = "u-a1" // testFailure names u-<id>: the ad's shopper is u-a1
	if err := w.Write(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, err := c.Forget(t.Context(), []string{"u-a1", "nobody"}, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]Forgotten{{TableAds, 1}, {TableAdEvents, 2}, {TableFailedEvents, 2}})
	if fmt.Sprint(got) != want {
		t.Fatalf("Forget removed %v, want %v", got, want)
	}
	for table, want := range map[string]uint64{TableAds: 1, TableAdEvents: 1, TableFailedEvents: 2} {
		var n uint64
		if err := c.conn.QueryRow(t.Context(), "SELECT count() FROM "+c.table(table)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s holds %d rows after the delete, want %d (the other shoppers')", table, n, want)
		}
	}
	var n uint64
	if err := c.conn.QueryRow(t.Context(), "SELECT count() FROM "+c.table(TableAdEvents)+" WHERE user = 'u-a2'").Scan(&n); err != nil || n != 1 {
		t.Errorf("the other shopper's events: %d (%v), want 1", n, err)
	}
	again, err := c.Forget(t.Context(), []string{"u-a1"}, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint([]Forgotten{{TableAds, 0}, {TableAdEvents, 0}, {TableFailedEvents, 0}}); fmt.Sprint(again) != want {
		t.Errorf("forgetting again removed %v, want %v", again, want)
	}
}

// On a cluster Forget deletes from the replicated local tables ON CLUSTER: once it returns, the
// other server's own replica holds no row of the shopper, and the other shopper's rows are there.
func TestClusterForget(t *testing.T) {
	addrs := startCluster(t)
	cfg := testConfig()
	cfg.Addr, cfg.Cluster = addrs[0], "adshift"
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	rows := schemas.Rows{
		Ads: []schemas.Ad{testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment),
			testAd("a2", "value", schemas.GeneratorLLM, schemas.GroupTreatment)},
		Events:   []schemas.AdEvent{testEvent("imp:1", schemas.Impression, "a1", 0), testEvent("imp:2", schemas.Impression, "a2", 0)},
		Failures: []schemas.FailedEvent{testFailure("a1", schemas.MalformedJSON)},
	}
	if err := w.Write(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.Addr = addrs[1]
	c2, err := Connect(t.Context(), other, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	local := func(table, user string) uint64 {
		var n uint64
		q := fmt.Sprintf("SELECT count() FROM `%s`.%s_local WHERE user = ?", cfg.Database, table)
		if err := c2.conn.QueryRow(t.Context(), q, user).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	eventually(t, "rows replicated", 20*time.Second, func() bool { return local(TableAds, "u-a1") == 1 && local(TableAdEvents, "u-a2") == 1 })

	got, err := c.Forget(t.Context(), []string{"u-a1"}, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint([]Forgotten{{TableAds, 1}, {TableAdEvents, 1}, {TableFailedEvents, 1}}); fmt.Sprint(got) != want {
		t.Fatalf("Forget removed %v, want %v", got, want)
	}
	// The mutation is replicated: the other replica applies it too.
	eventually(t, "the delete on the other replica", 20*time.Second, func() bool {
		return local(TableAds, "u-a1") == 0 && local(TableAdEvents, "u-a1") == 0 && local(TableFailedEvents, "u-a1") == 0
	})
	if local(TableAds, "u-a2") != 1 || local(TableAdEvents, "u-a2") != 1 {
		t.Fatal("the other shopper's rows went too")
	}
}
