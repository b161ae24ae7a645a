package creative

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// What became of a shift, as counted in adshift_creatives_shifts_total{result}.
const (
	resultAd            = "ad"             // published on ads.ready
	resultCoalesced     = "coalesced"      // superseded by a newer shift of the user in the batch
	resultNoProduct     = "no_product"     // nothing in the catalogue to advertise
	resultGenerateError = "generate_error" // the generator wrote nothing
	resultGuardRejected = "guard_rejected" // the creative broke a guard rule
	resultDeadLettered  = "dead_lettered"  // undecodable, sent to the DLQ
)

type metrics struct {
	shifts     *prometheus.CounterVec // by result
	violations *prometheus.CounterVec // by rule
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		shifts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "shifts_total",
			Help: "Profile shifts read by the creatives stage, by what became of them.",
		}, []string{"result"}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "guard_violations_total",
			Help: "Guard rules broken by generated creatives, by rule.",
		}, []string{"rule"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.shifts, err = register(reg, m.shifts)
	if err != nil {
		return nil, err
	}
	m.violations, err = register(reg, m.violations)
	return m, err
}

// register registers c, or returns the collector already registered under its name, so two
// stages built on one registry share their counters.
func register(reg prometheus.Registerer, c *prometheus.CounterVec) (*prometheus.CounterVec, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
			return existing, nil
		}
	}
	return c, err
}
