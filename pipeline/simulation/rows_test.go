package simulation

import "testing"

// RunRows refuses what Run refuses (its rows are checked in TestResultAddsUp).
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
}
