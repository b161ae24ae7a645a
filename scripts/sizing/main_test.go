package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adshift/adshift/scripts/benchout"
)

// benchOutput is go test -bench output with every figure the tables need, round numbers so the
// expected cells can be worked out by hand.
const benchOutput = `pkg: github.com/adshift/adshift/pipeline/features
BenchmarkStage/steady-2         3  100 ns/op  100000 events/s
BenchmarkStage/steady/model-2   3  200 ns/op  50000 events/s
BenchmarkBytesPerUser/users=1000000/model-2  1  9 ns/op  500 bytes/user
pkg: github.com/adshift/adshift/sources/kafka
BenchmarkFeaturesEndToEnd-2  1  9 ns/op  80000 stage-events/s  0.5 stage/bare
pkg: github.com/adshift/adshift/pipeline/creatives
BenchmarkStage/template-2  2  9 ns/op  2000 ads/s
pkg: github.com/adshift/adshift/sinks/clickhouse
BenchmarkWriter-2  100  9 ns/op  60000 rows/s
pkg: github.com/adshift/adshift/sinks/parquet
BenchmarkArchive/rees46/zstd-2  2  9 ns/op  80000 events/s  50 file-bytes/event
pkg: github.com/adshift/adshift/cmd/adshift
BenchmarkModelCallsOnRealReplay-2  1  9 ns/op  500 calls/1k-shifts-cached  0.1 shifts/event
BenchmarkChangelogRestore-2  1  9 ns/op  100000 profiles/s  200 changelog-bytes/profile
BenchmarkRowsPerEvent-2  1  9 ns/op  0.1 ads-rows/event  100 ads-bytes/row  80 ad-events-bytes/row  0.11 ad-events-rows/event
`

func testAssumptions() assumptions {
	return assumptions{Cores: 2, Headroom: 0.5, InstanceCPU: 4, InstanceMem: 16, GCFactor: 2, BaseMemGiB: 0.5,
		ViewRate: 1, CTR: 0.1, CVR: 0, TokensIn: 1000, TokensOut: 0, PriceIn: 1, PriceOut: 0}
}

func TestPlanFromBenchmarks(t *testing.T) {
	results, err := benchout.Parse(strings.NewReader(benchOutput))
	if err != nil {
		t.Fatal(err)
	}
	f, err := readFigures(results)
	if err != nil {
		t.Fatal(err)
	}
	a := testAssumptions()
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	rates := perCore(f, a)
	near("features per core", rates["features"], 80000.0/2*0.5) // end to end per core, times the model's cost
	near("creatives per core", rates["creatives"], 2000/0.1)
	// An event: 0.1 ads, each seen once and clicked 0.1 times: 0.1 × (1 + 1.1) rows.
	near("outcomes per core", rates["outcomes"], 60000.0/2/(0.1*2.1))

	tp := planThroughput(f, a, 100_000)
	near("features cores", tp.Cores["features"], 100_000/(20000*0.5))
	if tp.MinPartitions != 10 || tp.Partitions != 24 {
		t.Errorf("partitions %d / %d, want 10 / 24", tp.MinPartitions, tp.Partitions)
	}
	near("rows a day", tp.RowsPerDay, 100_000*0.1*2.1*86400)
	near("bytes a day", tp.BytesPerDay, 100_000*0.1*(100+1.1*80)*86400)
	near("model calls", tp.CallsPerSecond, 100_000*0.1*0.5)
	near("model cost", tp.DollarsPerSecond, 100_000*0.1*0.5*1000/1e6)

	fl := planFleet(f, a, load{Events: 100_000, Shoppers: 100_000_000}, tp)
	heap := 100e6 * 500 * 2 / (1 << 30) // GiB
	if want := int(math.Ceil(heap / 15.5)); fl.Instances != want {
		t.Errorf("instances %d, want %d for %.0f GiB of profiles", fl.Instances, want, heap)
	}
	near("restore", fl.RestoreSeconds, 100e6/float64(fl.Instances)/(100000.0/2*4))
	near("changelog", fl.Changelog, 100e6*200)
}

func TestMissingBenchmarkIsNamed(t *testing.T) {
	results, _ := benchout.Parse(strings.NewReader(strings.ReplaceAll(benchOutput, "BenchmarkChangelogRestore", "BenchmarkOther")))
	if _, err := readFigures(results); err == nil || !strings.Contains(err.Error(), "BenchmarkChangelogRestore profiles/s") {
		t.Errorf("without the restore benchmark: %v", err)
	}
}

func TestRewriteKeepsTheProse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sizing.md")
	doc := "# Sizing\n\nprose before\n\n" + beginMarker + "old tables\n" + endMarker + "\nprose after\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(strings.NewReader(benchOutput), nil, testAssumptions(), path); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	s := string(got)
	if strings.Contains(s, "old tables") || !strings.Contains(s, "prose before") || !strings.HasSuffix(s, endMarker+"\nprose after\n") ||
		!strings.Contains(s, "| 100k events/s |") {
		t.Errorf("rewritten file:\n%s", s)
	}
}
