package clickhouse

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// clusterPorts finds a native port base with base+1 free, an HTTP base with the three ports after
// it free (the cluster's two servers take them in turn) and a ZooKeeper port, none of them in
// another's range.
func clusterPorts(t *testing.T) (native, http, zk int) {
	t.Helper()
	taken := map[int]bool{}
	find := func(n int) int {
		for range 50 {
			p := freePort(t)
			if p+n >= 65536 {
				continue
			}
			ok := true
			for q := p; q < p+n && ok; q++ {
				l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(q))
				ok = err == nil && !taken[q]
				if err == nil {
					l.Close()
				}
			}
			if ok {
				for q := p; q < p+n; q++ {
					taken[q] = true
				}
				return p
			}
		}
		t.Fatalf("no %d free ports in a row", n)
		return 0
	}
	return find(2), find(4), find(1)
}

// startCluster starts, through scripts/clickhouse.sh cluster-up, ZooKeeper and two ClickHouse
// servers replicating one shard of the cluster "adshift", on free ports with their data in a
// temporary directory; cluster-down stops them when the test ends. It returns both servers'
// addresses.
func startCluster(t *testing.T) [2]string {
	t.Helper()
	native, http, zk := clusterPorts(t)
	dir := filepath.Join(t.TempDir(), "cluster")
	s := &ownServer{env: append(os.Environ(), "ADSHIFT_CH_CLUSTER_DIR="+dir,
		"ADSHIFT_CH_CLUSTER_PORT="+strconv.Itoa(native), "ADSHIFT_CH_CLUSTER_HTTP_PORT="+strconv.Itoa(http),
		"ADSHIFT_ZK_PORT="+strconv.Itoa(zk))}
	t.Cleanup(func() {
		if t.Failed() {
			logTails(t, dir)
		}
		s.run(t, "cluster-down")
	})
	s.run(t, "cluster-up")
	return [2]string{"127.0.0.1:" + strconv.Itoa(native), "127.0.0.1:" + strconv.Itoa(native+1)}
}

// With clickhouse.cluster set, adshift migrates ON CLUSTER: replicated local tables on both
// servers and Distributed tables over them. Rows written (twice, as a redelivery would) through
// one server are on the other one's own replica, the distinct counts and the report read there
// are exact, and migrating again from the other server applies nothing.
func TestClusterMigrateReplicateAndRead(t *testing.T) {
	addrs := startCluster(t)
	cfg := testConfig()
	cfg.Addr, cfg.Cluster = addrs[0], "adshift"
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	rows := schemas.Rows{
		Ads: []schemas.Ad{testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment)},
		Events: []schemas.AdEvent{
			testEvent("imp:1", schemas.Impression, "a1", 0), testEvent("clk:1", schemas.Click, "a1", 0),
			testEvent("conv:1", schemas.Conversion, "a1", 30),
		},
		Failures: []schemas.FailedEvent{testFailure("clickstream/0/1", schemas.MalformedJSON)},
	}
	for range 2 {
		if err := w.Write(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
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
	if applied, err := c2.Migrate(t.Context(), false, nil); err != nil || len(applied) != 0 {
		t.Errorf("migrating again from the other server applied %v (%v), want nothing", applied, err)
	}
	engines := map[string]string{}
	q, err := c2.conn.Query(t.Context(), "SELECT name, engine FROM system.tables WHERE database = ?", cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	for q.Next() {
		var name, engine string
		if err := q.Scan(&name, &engine); err != nil {
			t.Fatal(err)
		}
		engines[name] = engine
	}
	q.Close()
	for _, table := range []string{"schema_migrations", TableAds, TableAdEvents, TableFailedEvents} {
		if engines[table] != "Distributed" || engines[table+"_local"] != "ReplicatedReplacingMergeTree" {
			t.Errorf("on the other server %s is %q and %s_local %q, want Distributed over ReplicatedReplacingMergeTree",
				table, engines[table], table, engines[table+"_local"])
		}
	}
	// The other server's own replica has every row: replication, not a read through the first.
	for table, want := range map[string]uint64{"ads_local": 1, "ad_events_local": 3, "failed_events_local": 1} {
		var n uint64
		eventually(t, table+" replicated", 20*time.Second, func() bool {
			err := c2.conn.QueryRow(t.Context(), fmt.Sprintf("SELECT count() FROM (SELECT DISTINCT * FROM `%s`.%s)", cfg.Database, table)).Scan(&n)
			return err == nil && n == want
		})
	}
	wantCounts(t, c2, map[string]uint64{"ads": 1, "ad_events": 3, "ad_events.impression": 1, "ad_events.click": 1,
		"ad_events.conversion": 1, "failed_events": 1, "failed_events.malformed_json": 1})
	d, err := c2.Evaluation(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Cells) != 1 || d.Cells[0].Impressions != 1 || d.Cells[0].Clicks != 1 || d.Cells[0].Revenue["USD"] != 30 {
		t.Errorf("report read on the other server: %+v, want one cell with 1 impression, 1 click and USD 30", d.Cells)
	}
}

// logTails logs the last lines of every server and ZooKeeper log under dir, so that a failing
// cluster test says what the servers saw.
func logTails(t *testing.T, dir string) {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "*", "log", "*.log"))
	zk, _ := filepath.Glob(filepath.Join(dir, "zk", "*.log"))
	for _, name := range append(logs, zk...) {
		b, err := os.ReadFile(name)
		if err != nil || len(b) == 0 {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		lines = lines[max(0, len(lines)-40):]
		t.Logf("last lines of %s:\n%s", name, strings.Join(lines, "\n"))
	}
}
