package pipeline

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers c with reg and returns it, or returns the collector of the same kind
// already registered under its name, so stages built again on one registry (a consumer group
// restarted in the same process, two stages sharing a counter) keep counting on the same series.
// A nil reg registers nothing and returns c.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if reg == nil {
		return c, nil
	}
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

// Registration registers one component's collectors with Register and keeps the first error,
// the one way every package registers its metrics: one line per collector, one check at the end.
//
//	r := pipeline.NewRegistration(reg)
//	m.rows = pipeline.Add(r, m.rows)
//	if err := r.Err(); err != nil { ... }
type Registration struct {
	reg prometheus.Registerer
	err error
}

// NewRegistration registers on reg; a nil reg registers nothing.
func NewRegistration(reg prometheus.Registerer) *Registration {
	return &Registration{reg: reg}
}

// Add registers c and returns the collector to count on: c, or the one of the same kind already
// registered under its name (see Register). After an error it registers nothing more.
func Add[C prometheus.Collector](r *Registration, c C) C {
	if r.err != nil {
		return c
	}
	c, r.err = Register(r.reg, c)
	return c
}

// Err returns the first registration error.
func (r *Registration) Err() error { return r.err }
