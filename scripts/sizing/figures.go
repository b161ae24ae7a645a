package main

import (
	"fmt"
	"github.com/adshift/adshift/scripts/benchout"
	"strings"
)

// figures are the measurements the tables scale from, each taken from one benchmark's metric.
type figures struct {
	FeaturesInProc    float64 // events/s of the features stage in process, one goroutine, with the interest model, steady state
	FeaturesNoModel   float64 // the same without the model
	FeaturesEndToEnd  float64 // events/s of the features stage through the broker on the whole machine
	CreativesPerCore  float64 // ads/s of the creatives stage, template copy, one goroutine
	WriterRows        float64 // rows/s of the ClickHouse writer on the whole machine (ClickHouse on it too)
	ArchivePerCore    float64 // events/s of the archive stage to zstd Parquet, one goroutine
	ArchiveBytes      float64 // Parquet bytes per archived event
	BytesPerShopper   float64 // heap per tracked shopper, with the interest model
	RestoreProfiles   float64 // profiles/s restored from the changelog on the whole machine
	ChangelogBytes    float64 // changelog bytes per profile (key and value)
	ShiftsPerEvent    float64
	CallsPerShift     float64 // model calls per shift, with the creative cache
	AdsRowsPerEvent   float64 // ads rows in ClickHouse per shopper event
	AdsBytesPerRow    float64
	EventsBytesPerRow float64 // ad_events bytes per row on disk
	SimEventRowsPerAd float64 // ad_events rows per ad under the simulated delivery's rates
}

// source names the benchmark and metric a figure comes from.
type source struct {
	what, bench, unit string
	into              *float64
}

func (f *figures) sources() []source {
	return []source{
		{"features stage in process, one goroutine, interest model, steady state (events/s)", "BenchmarkStage/steady/model", "events/s", &f.FeaturesInProc},
		{"the same without the model (events/s)", "BenchmarkStage/steady", "events/s", &f.FeaturesNoModel},
		{"features stage through the broker, whole machine (events/s)", "BenchmarkFeaturesEndToEnd", "stage-events/s", &f.FeaturesEndToEnd},
		{"creatives stage, template copy, one goroutine (ads/s)", "BenchmarkStage/template", "ads/s", &f.CreativesPerCore},
		{"ClickHouse writer, whole machine, ClickHouse on it too (rows/s)", "BenchmarkWriter", "rows/s", &f.WriterRows},
		{"archive stage to zstd Parquet, one goroutine (events/s)", "BenchmarkArchive/rees46/zstd", "events/s", &f.ArchivePerCore},
		{"Parquet bytes per archived event", "BenchmarkArchive/rees46/zstd", "file-bytes/event", &f.ArchiveBytes},
		{"heap per tracked shopper, interest model on (bytes)", "BenchmarkBytesPerUser/users=1000000/model", "bytes/user", &f.BytesPerShopper},
		{"changelog restore, all partitions in parallel, whole machine (profiles/s)", "BenchmarkChangelogRestore", "profiles/s", &f.RestoreProfiles},
		{"changelog bytes per profile (key and value)", "BenchmarkChangelogRestore", "changelog-bytes/profile", &f.ChangelogBytes},
		{"shifts per shopper event (REES46 sample)", "BenchmarkModelCallsOnRealReplay", "shifts/event", &f.ShiftsPerEvent},
		{"model calls per shift, creative cache on", "BenchmarkModelCallsOnRealReplay", "calls/1k-shifts-cached", &f.CallsPerShift},
		{"ads rows per shopper event", "BenchmarkRowsPerEvent", "ads-rows/event", &f.AdsRowsPerEvent},
		{"ads bytes per row on disk, compressed", "BenchmarkRowsPerEvent", "ads-bytes/row", &f.AdsBytesPerRow},
		{"ad_events bytes per row on disk, compressed", "BenchmarkRowsPerEvent", "ad-events-bytes/row", &f.EventsBytesPerRow},
		{"ad_events rows per ad under the simulated delivery (not used: see the assumptions)", "BenchmarkRowsPerEvent", "ad-events-rows/event", &f.SimEventRowsPerAd},
	}
}

// readFigures takes every figure from results (the last run of a benchmark wins) and names
// those that did not run.
func readFigures(results []benchout.Result) (figures, error) {
	var f figures
	var missing []string
	for _, s := range f.sources() {
		found := false
		for _, r := range results {
			if v, ok := r.Metrics[s.unit]; ok && r.Name == s.bench {
				*s.into, found = v, true
			}
		}
		if !found {
			missing = append(missing, s.bench+" "+s.unit)
		}
	}
	if len(missing) > 0 {
		return f, fmt.Errorf("not in the benchmark output: %s (run scripts/sizing.sh)", strings.Join(missing, ", "))
	}
	f.CallsPerShift /= 1000
	// Measured per event; the assumptions apply their own view rate, so keep it per ad.
	f.SimEventRowsPerAd /= f.AdsRowsPerEvent
	return f, nil
}
