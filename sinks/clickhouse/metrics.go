package clickhouse

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// metrics of a Writer.
type metrics struct {
	rows     *prometheus.CounterVec // rows acknowledged, per table
	duration prometheus.Histogram   // one flush, all its tables and retries
	errors   *prometheus.CounterVec // failed insert attempts, per table and retryable
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_clickhouse_rows_written_total",
			Help: "Rows acknowledged by ClickHouse, per table.",
		}, []string{"table"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "adshift_clickhouse_flush_duration_seconds",
			Help:    "Time to flush one group-commit batch, retries included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_clickhouse_flush_errors_total",
			Help: "Failed batch inserts, per table and whether they were retried.",
		}, []string{"table", "retryable"}),
	}
	// Two Writers on one registry share the series.
	r := pipeline.NewRegistration(reg)
	m.rows = pipeline.Add(r, m.rows)
	m.duration = pipeline.Add(r, m.duration)
	m.errors = pipeline.Add(r, m.errors)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("register clickhouse metrics: %w", err)
	}
	// Error counters exist from the start, so an alert on their rate sees 0 before the first one.
	for _, table := range []string{TableAds, TableAdEvents, TableFailedEvents} {
		m.rows.WithLabelValues(table)
		m.errors.WithLabelValues(table, "true")
		m.errors.WithLabelValues(table, "false")
	}
	return m, nil
}
