package simulation

import (
	"context"
	"errors"
	"time"
)

// ErrNoAds is returned by Idle when no ad arrived within the first wait.
var ErrNoAds = errors.New("no ad arrived")

// idlePoll is how often Idle reads the Delivery's clock of the last ad.
const idlePoll = 250 * time.Millisecond

// Idle returns nil once no ad has arrived for idle after the first one, ErrNoAds when none
// arrived within firstWait of the call, and ctx's error when ctx ends first. It is how a demo's
// delivery knows the pipeline has gone quiet.
func (d *Delivery) Idle(ctx context.Context, firstWait, idle time.Duration) error {
	start := time.Now()
	tick := time.NewTicker(idlePoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			last := d.LastAd()
			if last.IsZero() && time.Since(start) > firstWait {
				return ErrNoAds
			}
			if !last.IsZero() && time.Since(last) > idle {
				return nil
			}
		}
	}
}
