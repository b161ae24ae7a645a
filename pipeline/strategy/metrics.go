package strategy

import "github.com/prometheus/client_golang/prometheus"

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
	if reg != nil {
		for _, c := range []prometheus.Collector{m.refreshes, m.segments} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
