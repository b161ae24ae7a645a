package kafka

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// freshness is the gauge adshift_group_event_freshness_seconds: now, at scrape time, minus the
// newest event time a group has processed: the adshift.event_time header of what adshift wrote
// (replay's clickstream, shifts, ads), else the Kafka timestamp (a tracker's clickstream). It is
// NaN until the group has processed a record.
type freshness struct {
	desc   *prometheus.Desc
	newest atomic.Int64 // unix nanoseconds; 0: none yet
	now    func() time.Time
}

var _ prometheus.Collector = (*freshness)(nil)

func newFreshness() *freshness {
	return &freshness{
		desc: prometheus.NewDesc("adshift_group_event_freshness_seconds",
			"Now minus the newest record timestamp the group has processed (NaN before the first).", nil, nil),
		now: time.Now,
	}
}

// saw records that a record stamped t was processed.
func (f *freshness) saw(t time.Time) {
	ns := t.UnixNano()
	for {
		old := f.newest.Load()
		if ns <= old || f.newest.CompareAndSwap(old, ns) {
			return
		}
	}
}

func (f *freshness) Describe(ch chan<- *prometheus.Desc) { ch <- f.desc }

func (f *freshness) Collect(ch chan<- prometheus.Metric) {
	v := math.NaN()
	if ns := f.newest.Load(); ns != 0 {
		v = f.now().Sub(time.Unix(0, ns)).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(f.desc, prometheus.GaugeValue, v)
}
