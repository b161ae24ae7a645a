package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

var (
	eventRates = []float64{10_000, 100_000, 1_000_000}
	shoppers   = []float64{1_000_000, 10_000_000, 100_000_000}
	stages     = []string{"features", "creatives", "outcomes", "archive"}
)

func writeTables(w io.Writer, f figures, a assumptions) {
	writeFigures(w, f)
	writeRates(w, f, a)
	writeThroughput(w, f, a)
	writeGrid(w, f, a)
}

func writeFigures(w io.Writer, f figures) {
	fmt.Fprintln(w, "### Measured here")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| figure | value | benchmark |")
	fmt.Fprintln(w, "|---|---:|---|")
	for _, s := range f.sources() {
		fmt.Fprintf(w, "| %s | %s | `%s` |\n", s.what, num(*s.into), s.bench)
	}
	fmt.Fprintln(w)
}

func writeRates(w io.Writer, f figures, a assumptions) {
	fmt.Fprintln(w, "### Events per second one core takes, per stage")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| stage | events/s per core | planned at |")
	fmt.Fprintln(w, "|---|---:|---:|")
	rates := perCore(f, a)
	for _, s := range stages {
		fmt.Fprintf(w, "| %s | %s | %s |\n", s, num(rates[s]), num(rates[s]*a.Headroom))
	}
	fmt.Fprintln(w)
}

func writeThroughput(w io.Writer, f figures, a assumptions) {
	fmt.Fprintln(w, "### By event rate")
	fmt.Fprintln(w)
	head := []string{""}
	var ts []throughput
	for _, e := range eventRates {
		head = append(head, num(e)+" events/s")
		ts = append(ts, planThroughput(f, a, e))
	}
	row(w, head...)
	row(w, append([]string{"---"}, slices.Repeat([]string{"---:"}, len(ts))...)...)
	line := func(name string, cell func(t throughput) string) {
		cells := []string{name}
		for _, t := range ts {
			cells = append(cells, cell(t))
		}
		row(w, cells...)
	}
	for _, s := range stages {
		line("cores, "+s, func(t throughput) string { return fmt.Sprintf("%.1f", t.Cores[s]) })
	}
	line("cores, all stages", func(t throughput) string { return fmt.Sprintf("%.1f", t.TotalCores) })
	line("clickstream partitions (least / suggested)", func(t throughput) string {
		return fmt.Sprintf("%d / %d", t.MinPartitions, t.Partitions)
	})
	line("ClickHouse rows a day", func(t throughput) string { return num(t.RowsPerDay) })
	line("ClickHouse bytes a day, compressed", func(t throughput) string { return size(t.BytesPerDay) })
	line("Parquet archive a day", func(t throughput) string { return size(t.ArchivePerDay) })
	line("model calls a second", func(t throughput) string { return num(t.CallsPerSecond) })
	line("model cost a second (a day)", func(t throughput) string {
		return fmt.Sprintf("$%.3g ($%s)", t.DollarsPerSecond, num(t.DollarsPerSecond*86400))
	})
	fmt.Fprintln(w)
}

func writeGrid(w io.Writer, f figures, a assumptions) {
	fmt.Fprintf(w, "### Instances (%g cores, %g GiB each), memory and restore after a crash\n\n", a.InstanceCPU, a.InstanceMem)
	fmt.Fprintln(w, "Each cell: instances × memory each · partitions · time for a crashed instance to restore its")
	fmt.Fprintln(w, "share of the profiles · the changelog's size.")
	fmt.Fprintln(w)
	head := []string{"events/s \\ shoppers"}
	for _, s := range shoppers {
		head = append(head, num(s))
	}
	row(w, head...)
	row(w, slices.Repeat([]string{"---"}, len(head))...)
	for _, e := range eventRates {
		t := planThroughput(f, a, e)
		cells := []string{num(e)}
		for _, s := range shoppers {
			fl := planFleet(f, a, load{Events: e, Shoppers: s}, t)
			cells = append(cells, fmt.Sprintf("%d × %.1f GiB · %d p · %s · %s",
				fl.Instances, fl.MemPerInstance, fl.Partitions, duration(fl.RestoreSeconds), size(fl.Changelog)))
		}
		row(w, cells...)
	}
	fmt.Fprintln(w)
}

func row(w io.Writer, cells ...string) { fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |") }

// num writes v with three significant digits and a k, M, G or T suffix.
func num(v float64) string {
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.div {
			return fmt.Sprintf("%.3g%s", v/u.div, u.suffix)
		}
	}
	return fmt.Sprintf("%.3g", v)
}

func size(bytes float64) string { return num(bytes) + "B" }

func duration(s float64) string {
	switch {
	case s < 120:
		return fmt.Sprintf("%.0f s", math.Ceil(s))
	case s < 7200:
		return fmt.Sprintf("%.0f min", math.Ceil(s/60))
	}
	return fmt.Sprintf("%.1f h", s/3600)
}
