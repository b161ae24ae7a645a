package main

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
)

// The REES46 sample through the features and creatives stages three times: at full speed, paced
// at 1000x (the sample's three hours in about ten seconds), and at full speed with the pipeline
// stopped and started again half way through. The shifts and the ads are the same every time, so
// a user re-running an experiment gets the same ads. (The uniform policy chooses the arms here;
// the bandit's choices also follow its posteriors, which change as outcomes land.)
func TestSameAdsWhateverTheReplay(t *testing.T) {
	full := adIDsOfReplay(t, "max", false)
	if len(full) < 100 {
		t.Fatalf("%d ads from the sample, want over 100", len(full))
	}
	for _, c := range []struct {
		name    string
		speed   string
		restart bool
	}{{"paced at 1000x", "1000x", false}, {"restarted half way", "max", true}} {
		got := adIDsOfReplay(t, c.speed, c.restart)
		if !slices.Equal(got, full) {
			t.Errorf("%s: %d ads, %d of them not made at full speed; full speed made %d, %d of them not made here",
				c.name, len(got), len(minus(got, full)), len(full), len(minus(full, got)))
		}
	}
}

// adIDsOfReplay replays the REES46 sample through features and creatives on a fresh broker and
// returns the distinct ad ids on ads.ready, sorted.
func adIDsOfReplay(t *testing.T, speed string, restart bool) []string {
	t.Helper()
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	stages := []string{rekey.Name, "features", "creatives"}
	stop := startRun(t, a, stages)
	replayed := make(chan error, 1)
	var out, errOut bytes.Buffer
	go func() { replayed <- a.replay(t.Context(), "rees46", rees46File, mustSpeed(t, speed), &out, &errOut) }()
	if restart {
		waitFor(t, "the features stage to process half the sample", 120*time.Second, func() bool {
			return recordsProcessed(t, a, "features") >= 17434/2
		})
		stop()
		stop = startRun(t, a, stages)
	}
	defer func() { stop() }()
	if err := <-replayed; err != nil {
		t.Fatalf("replay: %v\n%s", err, errOut.String())
	}
	var sent int
	if _, err := fmt.Sscanf(out.String(), "replayed %d events", &sent); err != nil {
		t.Fatalf("replay summary %q: %v", out.String(), err)
	}
	waitFor(t, "the features stage to process every event", 120*time.Second, func() bool {
		return recordsProcessed(t, a, "features") >= float64(sent)
	})
	shifts := endOffsets(t, brokers, a.cfg.Topics.Shifts.Name)
	waitFor(t, "the creatives stage to read every shift", 120*time.Second, func() bool {
		return recordsProcessed(t, a, "creatives") >= float64(shifts)
	})
	seen := map[string]bool{}
	for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name) {
		ad, err := schemas.DecodeAd(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		seen[ad.AdID] = true
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	t.Logf("%s%s: %d events, %d shifts, %d distinct ads", speed, map[bool]string{true: " with a restart"}[restart], sent, shifts, len(ids))
	return ids
}

// minus returns the ids of a not in b; both are sorted.
func minus(a, b []string) []string {
	var out []string
	for _, id := range a {
		if _, found := slices.BinarySearch(b, id); !found {
			out = append(out, id)
		}
	}
	return out
}
