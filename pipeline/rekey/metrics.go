package rekey

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// Outcomes of a forwarded event.
const (
	outcomeKept    = "kept"    // its record was keyed by its shopper already
	outcomeRekeyed = "rekeyed" // keyed anew: no key, another field, or an anonymous id now known
	outcomeUnread  = "unread"  // no shopper could be read: forwarded as is, for the features stage to judge
)

type metrics struct {
	records map[string]prometheus.Counter
	joins   prometheus.Counter
	corrupt prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	records := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "adshift_rekey_events_total",
		Help: "Clickstream events forwarded to the keyed clickstream, by outcome (kept, rekeyed, unread).",
	}, []string{"outcome"})
	m := &metrics{
		joins: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_rekey_identities_total",
			Help: "Identify and alias calls that joined an anonymous id to a known user.",
		}),
		corrupt: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_rekey_identities_corrupt_total",
			Help: "Identity records skipped on restore because they did not decode.",
		}),
	}
	r := pipeline.NewRegistration(reg)
	records = pipeline.Add(r, records)
	m.joins = pipeline.Add(r, m.joins)
	m.corrupt = pipeline.Add(r, m.corrupt)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("register rekey metrics: %w", err)
	}
	m.records = map[string]prometheus.Counter{}
	for _, o := range []string{outcomeKept, outcomeRekeyed, outcomeUnread} {
		m.records[o] = records.WithLabelValues(o)
	}
	return m, nil
}
