package kafka

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// lagGauge returns adshift_group_lag_records for topic, or -1 while it has no value.
func lagGauge(t *testing.T, reg *prometheus.Registry, topic string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "adshift_group_lag_records" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "topic" && l.GetValue() == topic {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	return -1
}

// A stage that cannot keep up shows as lag: while every batch fails, the gauge holds what the
// group has not committed; once batches succeed it falls to zero.
func TestGroupReportsLag(t *testing.T) {
	const topic = "clickstream"
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: 2})
	produce(t, addrs, topic, 2, 0, 40) // 40 on each partition

	stage := newFakeStage(topic)
	stuck := make(chan struct{})
	stage.fail = func(topicPartition, int, []pipeline.Record) error {
		select {
		case <-stuck:
			return nil
		default:
			return errors.New("sink down")
		}
	}
	reg := prometheus.NewRegistry()
	cfg := testConfig(addrs, "adshift-lag")
	cfg.LagInterval = 20 * time.Millisecond
	g, err := NewGroup(cfg, stage, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	runGroup(t, g, stage)

	deadline := time.Now().Add(waitTimeout)
	for lagGauge(t, reg, topic) != 80 {
		if time.Now().After(deadline) {
			t.Fatalf("lag while stuck = %v, want 80 (40 on each of 2 partitions)", lagGauge(t, reg, topic))
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(stuck)
	for lagGauge(t, reg, topic) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("lag after recovery = %v, want 0", lagGauge(t, reg, topic))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
