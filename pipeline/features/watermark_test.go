package features

import (
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
)

// The partition sweeps for idle shoppers once an hour of event time, at the first event of each
// hour: a shopper idle past the TTL in the middle of an hour expires at the next hour's start.
func TestIdleProfilesExpireOnTheHour(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ProfileTTL = 12 * time.Hour
	h := newHarness(t, cfg)
	tombstones := func() []string {
		var out []string
		for _, r := range h.out.records() {
			if r.Topic == pipeline.DefaultTopics().Profiles && r.Value == nil {
				out = append(out, string(r.Key))
			}
		}
		return out
	}
	f := func(at time.Duration, want ...string) {
		t.Helper()
		h.process(view("busy", at, "a"))
		if got := tombstones(); !slices.Equal(got, want) {
			t.Fatalf("after an event at %v: tombstones for %q, want %q", at, got, want)
		}
	}
	h.process(view("idle", 30*time.Minute, "a"))
	f(12*time.Hour + 5*time.Minute)  // swept: idle's last event is 11h35m old
	f(12*time.Hour + 40*time.Minute) // 12h10m idle, but no sweep within the hour
	f(12*time.Hour + 59*time.Minute)
	f(13*time.Hour, "idle") // the first event of the next hour sweeps
}
