package collector

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// metrics are the collector's counters: requests by path and status, events accepted by call
// type and rejected by failure kind, and the requests in flight.
type metrics struct {
	requests *prometheus.CounterVec
	accepted *prometheus.CounterVec
	rejected *prometheus.CounterVec
	inFlight prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	r := pipeline.NewRegistration(reg)
	m := &metrics{
		requests: pipeline.Add(r, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_collector_requests_total",
			Help: "HTTP requests to the collector by path (the canonical /v1/<call>, or other) and status code.",
		}, []string{"path", "code"})),
		accepted: pipeline.Add(r, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_collector_events_accepted_total",
			Help: "Events the collector produced to the clickstream topic and the broker acknowledged, by call type.",
		}, []string{"type"})),
		rejected: pipeline.Add(r, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_collector_events_rejected_total",
			Help: "Events the collector rejected (and dead-lettered), by failure kind.",
		}, []string{"kind"})),
		inFlight: pipeline.Add(r, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "adshift_collector_requests_in_flight",
			Help: "Requests being handled; past collector.max_in_flight the collector answers 503.",
		})),
	}
	return m, r.Err()
}
