package kafka

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// reportLag sets the group's lag per topic (records on the brokers the group has not committed
// yet) every LagInterval until ctx ends, so a stage that falls behind — a slow model in the
// creatives stage, a ClickHouse outage in the outcomes stage — shows as a growing number in
// /metrics. A failed lookup keeps the last value and is retried at the next tick.
func (g *Group) reportLag(ctx context.Context, cl *kgo.Client) {
	adm := kadm.NewClient(cl)
	t := time.NewTicker(g.cfg.LagInterval)
	defer t.Stop()
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
		// Before the group has joined, the brokers know no assignment to measure lag against.
		joined := g.joined.Load()
		lags, err := adm.Lag(ctx, g.cfg.Group)
		if err == nil {
			err = lags.Error()
		}
		if err != nil {
			g.log.Debug("consumer lag", "err", err)
			continue
		}
		var total int64
		for topic, tl := range lags[g.cfg.Group].Lag.TotalByTopic() {
			g.metrics.lag.WithLabelValues(topic).Set(float64(tl.Lag))
			total += tl.Lag
		}
		if joined {
			g.lag.Store(total)
		}
	}
}
