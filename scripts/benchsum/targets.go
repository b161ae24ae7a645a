package main

import (
	"bufio"
	"fmt"
	"github.com/adshift/adshift/scripts/benchout"
	"io"
	"strconv"
	"strings"
)

// target is one line of the targets file: a ratio a benchmark reports, and the value it should
// reach. Higher says whether the ratio should be at least (true) or at most (false) the target.
type target struct {
	Name      string
	Package   string // the import path's tail after the module, e.g. sources/kafka
	Benchmark string
	Unit      string
	Target    float64
	Higher    bool
	What      string
}

// readTargets reads tab-separated lines "name package benchmark unit target higher|lower what";
// blank lines and lines starting with # are skipped.
func readTargets(r io.Reader) ([]target, error) {
	var out []target
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 {
			return nil, fmt.Errorf("targets line %d: want 7 tab-separated fields, have %d", n, len(f))
		}
		v, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			return nil, fmt.Errorf("targets line %d: target %q: %w", n, f[4], err)
		}
		if f[5] != "higher" && f[5] != "lower" {
			return nil, fmt.Errorf("targets line %d: want higher or lower, have %q", n, f[5])
		}
		out = append(out, target{Name: f[0], Package: f[1], Benchmark: f[2], Unit: f[3], Target: v, Higher: f[5] == "higher", What: f[6]})
	}
	return out, sc.Err()
}

// measured is a target with what the run measured: the mean over the benchmark's lines (one per
// -count), or none when it did not run.
type measured struct {
	target
	Ratio float64
	Runs  int
}

// Met says whether the ratio reached its target.
func (m measured) Met() bool {
	if m.Runs == 0 {
		return false
	}
	if m.Higher {
		return m.Ratio >= m.Target
	}
	return m.Ratio <= m.Target
}

// measure finds each target's metric among the results.
func measure(targets []target, results []benchout.Result) []measured {
	out := make([]measured, 0, len(targets))
	for _, t := range targets {
		m := measured{target: t}
		sum := 0.0
		for _, r := range results {
			v, ok := r.Metrics[t.Unit]
			if ok && r.Name == t.Benchmark && strings.HasSuffix(r.Package, "/"+t.Package) {
				sum += v
				m.Runs++
			}
		}
		if m.Runs > 0 {
			m.Ratio = sum / float64(m.Runs)
		}
		out = append(out, m)
	}
	return out
}
