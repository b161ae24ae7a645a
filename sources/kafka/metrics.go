package kafka

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// groupMetrics counts what a Group's workers do. Every series carries the group's name.
type groupMetrics struct {
	records    prometheus.Counter
	batches    prometheus.Counter
	errors     prometheus.Counter
	openErrors prometheus.Counter
	seconds    prometheus.Histogram
	assigned   prometheus.Gauge
	lag        *prometheus.GaugeVec
}

func newGroupMetrics(reg prometheus.Registerer, group string) (*groupMetrics, error) {
	m := &groupMetrics{
		records: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_group_records_processed_total",
			Help: "Records processed successfully and marked for commit.",
		}),
		batches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_group_batches_processed_total",
			Help: "Batches processed successfully and marked for commit.",
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_group_process_errors_total",
			Help: "Failed attempts to process a batch; each is retried.",
		}),
		openErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_group_open_errors_total",
			Help: "Failed attempts to open a processor for an assigned partition; each is retried.",
		}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "adshift_group_process_seconds",
			Help:    "Time spent in one attempt to process a batch.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
		}),
		assigned: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "adshift_group_assigned_partitions",
			Help: "Partitions this instance currently owns.",
		}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "adshift_group_lag_records",
			Help: "Records on the brokers the group has not committed yet, per topic.",
		}, []string{"topic"}),
	}
	if reg == nil {
		return m, nil
	}
	reg = prometheus.WrapRegistererWith(prometheus.Labels{"group": group}, reg)
	var err error
	m.records = register(reg, m.records, &err)
	m.batches = register(reg, m.batches, &err)
	m.errors = register(reg, m.errors, &err)
	m.openErrors = register(reg, m.openErrors, &err)
	m.seconds = register(reg, m.seconds, &err)
	m.assigned = register(reg, m.assigned, &err)
	m.lag = register(reg, m.lag, &err)
	return m, err
}

// register registers c as pipeline.Register does, so a group that is rebuilt in the same process
// keeps counting on the same series, and keeps the first error in errp.
func register[C prometheus.Collector](reg prometheus.Registerer, c C, errp *error) C {
	c, err := pipeline.Register(reg, c)
	if err != nil && *errp == nil {
		*errp = err
	}
	return c
}
