package features

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/schemas"
)

// metrics are the stage's counters, shared by all its partitions.
type metrics struct {
	events   *prometheus.CounterVec // by event name; names adshift does not read count as "other"
	skipped  *prometheus.CounterVec // by reason
	failures *prometheus.CounterVec // by failure kind
	shifts   *prometheus.CounterVec // by reason
	profiles prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_features_events_total",
			Help: "Clickstream events decoded by the features stage, by event name.",
		}, []string{"event"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_features_skipped_total",
			Help: "Decoded events that carry no interest, by reason.",
		}, []string{"reason"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_features_failures_total",
			Help: "Clickstream records sent to the dead-letter topic, by failure kind.",
		}, []string{"kind"}),
		shifts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_features_shifts_total",
			Help: "Profile shifts published, by reason.",
		}, []string{"reason"}),
		profiles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "adshift_features_profiles",
			Help: "Shopper profiles held in memory by this instance.",
		}),
	}
	// Every label value that can occur exists from the start, so dashboards see zeros, not gaps.
	for _, r := range []string{skipNotTrack, skipUnknown, skipOutcome} {
		m.skipped.WithLabelValues(r)
	}
	for _, r := range []string{schemas.ReasonFirstProfile, schemas.ReasonIntentEscalation, schemas.ReasonNewInterest} {
		m.shifts.WithLabelValues(r)
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.events, m.skipped, m.failures, m.shifts, m.profiles} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register features metrics: %w", err)
		}
	}
	return m, nil
}
