package archive

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// metrics are the stage's series, shared by all its partitions.
type metrics struct {
	records       *prometheus.CounterVec // by kind
	files         *prometheus.CounterVec // by kind and cut
	publishErrors *prometheus.CounterVec // by kind
	held          prometheus.Gauge
	forgotten     prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_archive_records_total",
			Help: "Records in published archive files, by kind.",
		}, []string{"kind"}),
		files: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_archive_files_total",
			Help: "Archive files published, by kind and by why their segment was cut (hour_closed, size, roll, close).",
		}, []string{"kind", "cut"}),
		publishErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_archive_publish_errors_total",
			Help: "Failed attempts to publish an archive file, by kind; the batch is retried.",
		}, []string{"kind"}),
		held: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "adshift_archive_held_bytes",
			Help: "Record bytes in segments not yet published, held in memory (encoded) and not yet committed.",
		}),
		forgotten: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_archive_forgotten_skipped_total",
			Help: "Records about a shopper forgotten on a deletion request, not archived.",
		}),
	}
	r := pipeline.NewRegistration(reg)
	m.records = pipeline.Add(r, m.records)
	m.files = pipeline.Add(r, m.files)
	m.publishErrors = pipeline.Add(r, m.publishErrors)
	m.held = pipeline.Add(r, m.held)
	m.forgotten = pipeline.Add(r, m.forgotten)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("register archive metrics: %w", err)
	}
	// Resolve every series up front: dashboards see zeros rather than gaps.
	for _, k := range schemas.ArchiveKinds {
		m.records.WithLabelValues(string(k))
		m.publishErrors.WithLabelValues(string(k))
		for _, c := range cuts {
			m.files.WithLabelValues(string(k), c)
		}
	}
	return m, nil
}
