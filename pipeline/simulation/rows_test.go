package simulation

import "testing"

// RunRows refuses what Run refuses, and takes the shortest dataset (its rows are checked in
// TestResultAddsUp).
func TestRunRowsRefuses(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Format, cfg.File, cfg.Seed = "rees46", rees46, 3
	bad := cfg
	bad.Buckets = -1
	if _, _, err := RunRows(t.Context(), bad, Data{}); err == nil {
		t.Error("a bad config ran")
	}
	if _, _, err := RunRows(t.Context(), cfg, Data{}); err == nil {
		t.Error("a run of no events")
	}
	// One event is a dataset: too short for an ad, not an error.
	one := read(t, cfg.Format, cfg.File)
	one.Events = one.Events[:1]
	if r, _, err := RunRows(t.Context(), cfg, one); err != nil || r.Events != 1 || r.Impressions != 0 {
		t.Errorf("a run of one event: %+v, %v", r, err)
	}
}
