package simulation

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/adshift/adshift/pipeline/pipelinetest"
)

// Idle waits out the idle span after the last ad, gives up when no ad came within the first
// wait, and stops with its context; all in fake time.
func TestIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := NewDelivery(DefaultDeliveryConfig(), &pipelinetest.Emitter{})
		start := time.Now()
		if err := d.Idle(t.Context(), 2*time.Second, time.Second); !errors.Is(err, ErrNoAds) {
			t.Fatalf("no ads: %v", err)
		}
		if waited := time.Since(start); waited <= 2*time.Second || waited > 2*time.Second+idlePoll {
			t.Errorf("gave up on ads after %v, want just past 2s", waited)
		}

		if err := d.Process(t.Context(), ads(1, "personal")); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		if err := d.Idle(t.Context(), time.Hour, time.Second); err != nil {
			t.Fatalf("idle after an ad: %v", err)
		}
		if waited := time.Since(start); waited <= time.Second || waited > time.Second+idlePoll {
			t.Errorf("idle after %v, want just past 1s", waited)
		}

		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		if err := d.Idle(ctx, time.Hour, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("idle past its context: %v", err)
		}
	})
}
