package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Output as `go test -p 1 -bench . ./...` prints it: two packages, one benchmark run twice
// (-count 2), a log line and a sub-benchmark.
const benchOutput = `goos: linux
goarch: amd64
pkg: github.com/adshift/adshift/sources/kafka
cpu: AMD EPYC
BenchmarkFeaturesEndToEnd-2   	       1	2417000000 ns/op	     61234 bare-events/s	     18370 stage-events/s	         0.3000 stage/bare	         0.31 emit-wait/partition
    bench_test.go:40: a log line
BenchmarkFeaturesEndToEnd-2   	       1	2417000000 ns/op	     61234 bare-events/s	     24494 stage-events/s	         0.4000 stage/bare	         0.31 emit-wait/partition
PASS
ok  	github.com/adshift/adshift/sources/kafka	12.3s
pkg: github.com/adshift/adshift/pipeline/creatives
BenchmarkStage/template-2     	    1000	    120000 ns/op	      8300 ads/s	   51234 B/op	     301 allocs/op
PASS
`

const targetsFile = "# name\tpackage\tbenchmark\tunit\ttarget\tbetter\twhat\n" +
	"features_vs_bare\tsources/kafka\tBenchmarkFeaturesEndToEnd\tstage/bare\t0.60\thigher\tfeatures stage vs bare consumption\n" +
	"allocs\tpipeline/creatives\tBenchmarkStage/template\tallocs/op\t400\tlower\tallocations per batch\n" +
	"writer_vs_native\tsinks/clickhouse\tBenchmarkLanding\twriter/native\t0.80\thigher\tClickHouse writer vs native insert\n"

func TestSummaryTableAndJSON(t *testing.T) {
	dir := t.TempDir()
	targets := filepath.Join(dir, "targets.tsv")
	if err := os.WriteFile(targets, []byte(targetsFile), 0o644); err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(dir, "summary.json")
	var out bytes.Buffer
	if err := run(strings.NewReader(benchOutput), &out, targets, jsonPath); err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // name → the row's fields after the name, single-spaced
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) > 1 {
			rows[f[0]] = strings.Join(f[1:], " ")
		}
	}
	for name, want := range map[string]string{
		"features_vs_bare": "0.350 ≥ 0.60 no", // the mean of the two runs, below its target
		"allocs":           "301.000 ≤ 400.00 yes",
		"writer_vs_native": "not measured ≥ 0.80 -",
	} {
		if !strings.HasPrefix(rows[name], want) {
			t.Errorf("row %s = %q, want it to start %q", name, rows[name], want)
		}
	}
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]jsonRatio
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]jsonRatio{"features_vs_bare": {0.35, 0.60}, "allocs": {301, 400}}
	if len(got) != len(want) {
		t.Fatalf("summary.json = %v, want %v", got, want)
	}
	for k, w := range want {
		if g := got[k]; g.Target != w.Target || g.Ratio < w.Ratio-1e-9 || g.Ratio > w.Ratio+1e-9 {
			t.Errorf("summary.json[%s] = %+v, want %+v", k, g, w)
		}
	}
}

func TestTargetsFileErrorsNameTheLine(t *testing.T) {
	_, err := readTargets(strings.NewReader("a\tb\tc\td\tx\thigher\tw\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("err = %v, want one naming line 1 and the bad target", err)
	}
	_, err = readTargets(strings.NewReader("\n# c\na\tb\tc\td\t1\tsideways\tw\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v, want one naming line 3", err)
	}
}

func TestTheProjectTargetsFileReads(t *testing.T) {
	f, err := os.Open("../bench-targets.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ts, err := readTargets(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) == 0 {
		t.Fatal("scripts/bench-targets.tsv names no ratio")
	}
}
