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
	// transactions counts the transactions of an exactly-once group by how they ended.
	transactions *prometheus.CounterVec
	freshness    *freshness
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
		transactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_group_transactions_total",
			Help: "Transactions of an exactly-once group (kafka.exactly_once), by outcome: committed or aborted.",
		}, []string{"outcome"}),
		freshness: newFreshness(),
	}
	if reg == nil {
		return m, nil
	}
	// A group rebuilt in the same process keeps counting on the same series.
	r := pipeline.NewRegistration(prometheus.WrapRegistererWith(prometheus.Labels{"group": group}, reg))
	m.records = pipeline.Add(r, m.records)
	m.batches = pipeline.Add(r, m.batches)
	m.errors = pipeline.Add(r, m.errors)
	m.openErrors = pipeline.Add(r, m.openErrors)
	m.seconds = pipeline.Add(r, m.seconds)
	m.assigned = pipeline.Add(r, m.assigned)
	m.lag = pipeline.Add(r, m.lag)
	m.transactions = pipeline.Add(r, m.transactions)
	m.freshness = pipeline.Add(r, m.freshness)
	return m, r.Err()
}
