package pipeline

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegisterReusesTheRegisteredCollector(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "adshift_test_total", Help: "test"}
	first, err := Register(reg, prometheus.NewCounter(opts))
	if err != nil {
		t.Fatal(err)
	}
	again, err := Register(reg, prometheus.NewCounter(opts))
	if err != nil {
		t.Fatal(err)
	}
	first.Inc()
	again.Inc()
	if first != again {
		t.Error("a second registration under the same name got its own counter")
	}
	// A different kind under the same name is an error, not a silent second series.
	if _, err := Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{Name: "adshift_test_total", Help: "test"})); err == nil {
		t.Error("a gauge registered under a counter's name")
	}
	if c, err := Register(nil, prometheus.NewCounter(opts)); err != nil || c == nil {
		t.Errorf("nil registry: %v, %v", c, err)
	}
}

func TestRegistrationKeepsTheFirstError(t *testing.T) {
	reg := prometheus.NewRegistry()
	counter := prometheus.NewCounter(prometheus.CounterOpts{Name: "adshift_test_total", Help: "test"})
	r := NewRegistration(reg)
	if got := Add(r, counter); got != counter || r.Err() != nil {
		t.Fatalf("first registration: %v, %v", got, r.Err())
	}
	Add(r, prometheus.NewGauge(prometheus.GaugeOpts{Name: "adshift_test_total", Help: "test"}))
	first := r.Err()
	if first == nil {
		t.Fatal("a gauge registered under a counter's name")
	}
	Add(r, prometheus.NewGauge(prometheus.GaugeOpts{Name: "adshift_other", Help: "test"}))
	if r.Err() != first {
		t.Errorf("error %v replaced the first, %v", r.Err(), first)
	}
	if n, _ := reg.Gather(); len(n) != 1 {
		t.Errorf("%d metric families registered after an error, want 1", len(n))
	}
	if r := NewRegistration(nil); Add(r, counter) != counter || r.Err() != nil {
		t.Error("a nil registry did not register nothing")
	}
}
