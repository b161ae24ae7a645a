// Package benchout reads the output of `go test -bench`: the scripts that summarise benchmarks
// (benchsum, sizing) share it.
package benchout

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// Result is one benchmark line of `go test -bench` output: the package it ran in, its name
// without the -GOMAXPROCS suffix, and every metric it reported, by unit.
type Result struct {
	Package string
	Name    string
	Metrics map[string]float64
}

// Parse reads `go test -bench` output (any number of packages, run one after another) and
// returns its benchmark lines in order. Lines that are not results (logs, PASS, ok) are skipped.
func Parse(r io.Reader) ([]Result, error) {
	var out []Result
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if res, ok := parseLine(pkg, line); ok {
			out = append(out, res)
		}
	}
	return out, sc.Err()
}

// parseLine reads "BenchmarkX/sub-2  <N>  <value> <unit>  <value> <unit> …".
func parseLine(pkg, line string) (Result, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return Result{}, false
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return Result{}, false
	}
	res := Result{Package: pkg, Name: trimProcs(f[0]), Metrics: map[string]float64{}}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return Result{}, false
		}
		res.Metrics[f[i+1]] = v
	}
	return res, true
}

// trimProcs drops the "-N" GOMAXPROCS suffix go test appends to a benchmark's name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}
