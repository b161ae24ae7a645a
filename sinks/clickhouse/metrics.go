package clickhouse

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// metrics of a Writer.
type metrics struct {
	rows     *prometheus.CounterVec // rows acknowledged, per table
	duration prometheus.Histogram   // one flush, all its tables and retries
	errors   *prometheus.CounterVec // failed insert attempts, per table and retryable
}

func newMetrics(reg prometheus.Registerer) *metrics {
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
	if reg != nil {
		m.rows = register(reg, m.rows)
		m.duration = register(reg, m.duration)
		m.errors = register(reg, m.errors)
	}
	return m
}

// register registers c as pipeline.Register does, so two Writers can share a registry. A clash
// with a collector of another kind is a programming error.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	c, err := pipeline.Register(reg, c)
	if err != nil {
		panic("clickhouse: register metrics: " + err.Error())
	}
	return c
}
