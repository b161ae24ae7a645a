package kafka

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// LatencyEmitter is an Emitter that observes, for every record on one topic the brokers
// acknowledged, the time since the event that caused it: the end-to-end latency of a pipeline
// whose last write that topic is.
type LatencyEmitter struct {
	next      pipeline.Emitter
	topic     string
	eventTime func(pipeline.Record) (time.Time, bool)
	hist      prometheus.Observer
	now       func() time.Time
}

var _ pipeline.Emitter = (*LatencyEmitter)(nil)

// NewLatencyEmitter wraps next; eventTime reads a record's event time (false: none). The
// histogram adshift_ad_ready_latency_seconds is registered on reg (nil: discarded).
func NewLatencyEmitter(next pipeline.Emitter, topic string, eventTime func(pipeline.Record) (time.Time, bool), reg prometheus.Registerer) (*LatencyEmitter, error) {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "adshift_ad_ready_latency_seconds",
		Help: "Time from the clickstream event that moved a shopper's interest to their ad acknowledged on the ads topic " +
			"(replays of old data land in +Inf).",
		Buckets: prometheus.ExponentialBuckets(0.05, 2.5, 12),
	})
	if reg != nil {
		r := pipeline.NewRegistration(reg)
		h = pipeline.Add(r, h)
		if err := r.Err(); err != nil {
			return nil, err
		}
	}
	return &LatencyEmitter{next: next, topic: topic, eventTime: eventTime, hist: h, now: time.Now}, nil
}

// Emit emits recs through next and, once they are acknowledged, observes each one on the topic.
func (e *LatencyEmitter) Emit(ctx context.Context, recs []pipeline.Record) error {
	if err := e.next.Emit(ctx, recs); err != nil {
		return err
	}
	now := e.now()
	for _, r := range recs {
		if r.Topic != e.topic {
			continue
		}
		if t, ok := e.eventTime(r); ok {
			e.hist.Observe(now.Sub(t).Seconds())
		}
	}
	return nil
}
