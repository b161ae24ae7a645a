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
