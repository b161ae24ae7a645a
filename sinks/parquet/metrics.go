package parquet

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

type metrics struct {
	written prometheus.Counter
	pruned  prometheus.Counter
	seconds prometheus.Histogram
	erased  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		written: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_archive_written_bytes_total",
			Help: "Bytes of Parquet files written to the archive.",
		}),
		pruned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_archive_pruned_files_total",
			Help: "Archive files and leftover temporary files removed because a newer file holds all their records.",
		}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "adshift_archive_publish_seconds",
			Help:    "Time to write, sync and rename one archive file.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 8),
		}),
		erased: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_archive_forgotten_records_total",
			Help: "Archived records of forgotten shoppers taken out of archive files (adshift forget).",
		}),
	}
	r := pipeline.NewRegistration(reg)
	m.written = pipeline.Add(r, m.written)
	m.pruned = pipeline.Add(r, m.pruned)
	m.seconds = pipeline.Add(r, m.seconds)
	m.erased = pipeline.Add(r, m.erased)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("register parquet archive metrics: %w", err)
	}
	return m, nil
}
