// Command benchsum reads `go test -bench` output on stdin and prints one table of every ratio
// scripts/bench-targets.tsv names, with its target, and writes the same as JSON
// ({"name": {"ratio": x, "target": y}}) for scripts. A ratio that did not run is listed as not
// measured and left out of the JSON. Used by `make bench` (scripts/bench.sh).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"github.com/adshift/adshift/scripts/benchout"
	"io"
	"os"
	"text/tabwriter"
)

func main() {
	targetsPath := flag.String("targets", "scripts/bench-targets.tsv", "the ratios and their targets")
	jsonPath := flag.String("json", "var/bench/summary.json", "where to write the summary as JSON")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *targetsPath, *jsonPath); err != nil {
		fmt.Fprintln(os.Stderr, "benchsum:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, targetsPath, jsonPath string) error {
	f, err := os.Open(targetsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	targets, err := readTargets(f)
	if err != nil {
		return err
	}
	results, err := benchout.Parse(in)
	if err != nil {
		return err
	}
	ms := measure(targets, results)
	writeTable(out, ms)
	return writeJSON(jsonPath, ms)
}

func writeTable(out io.Writer, ms []measured) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ratio\tmeasured\ttarget\tmet\twhat")
	for _, m := range ms {
		cmp := "≥"
		if !m.Higher {
			cmp = "≤"
		}
		got, met := "not measured", "-"
		if m.Runs > 0 {
			got, met = fmt.Sprintf("%.3f", m.Ratio), "no"
			if m.Met() {
				met = "yes"
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s %.2f\t%s\t%s\n", m.Name, got, cmp, m.Target, met, m.What)
	}
	w.Flush()
}

type jsonRatio struct {
	Ratio  float64 `json:"ratio"`
	Target float64 `json:"target"`
}

func writeJSON(path string, ms []measured) error {
	out := map[string]jsonRatio{}
	for _, m := range ms {
		if m.Runs > 0 {
			out[m.Name] = jsonRatio{Ratio: m.Ratio, Target: m.Target}
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
