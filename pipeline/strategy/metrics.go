package strategy

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

type metrics struct {
	refreshes *prometheus.CounterVec
	segments  prometheus.Gauge
}

// newMetrics registers the bandit's metrics on reg; a nil reg keeps them unregistered.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_strategy_refreshes_total",
			Help: "Posterior refreshes of the strategy bandit, by result (ok, error).",
		}, []string{"result"}),
		segments: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "adshift_strategy_segments",
			Help: "Segments with their own posteriors after the last refresh.",
		}),
	}
	r := pipeline.NewRegistration(reg)
	m.refreshes = pipeline.Add(r, m.refreshes)
	m.segments = pipeline.Add(r, m.segments)
	return m, r.Err()
}
