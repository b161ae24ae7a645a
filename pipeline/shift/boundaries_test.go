package shift

import (
	"slices"
	"testing"
	"time"
)

// The defaults are the ones DefaultConfig documents.
func TestDefaultsAreTheDocumentedOnes(t *testing.T) {
	want := Config{MinEvents: 3, Threshold: 0.6, Hysteresis: 0.1, MinEvidence: 3, Cooldown: 10 * time.Minute, DailyCap: 6}
	if got := DefaultConfig(); got != want {
		t.Errorf("DefaultConfig() = %+v, want %+v", got, want)
	}
}

// Each range is accepted exactly up to its bounds and refused just past them.
func TestValidateBoundaries(t *testing.T) {
	check := func(name string, ok bool, mutate func(*Config)) {
		t.Helper()
		cfg := DefaultConfig()
		mutate(&cfg)
		if err := cfg.Validate(); (err == nil) != ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", name, err, ok)
		}
	}
	check("min_events 1", true, func(c *Config) { c.MinEvents = 1 })
	check("threshold 1", true, func(c *Config) { c.Threshold = 1 })
	check("threshold 0", false, func(c *Config) { c.Threshold, c.Hysteresis = 0, 0 })
	check("threshold just above 1", false, func(c *Config) { c.Threshold = 1.0001 })
	check("hysteresis 0", true, func(c *Config) { c.Hysteresis = 0 })
	check("hysteresis just below threshold", true, func(c *Config) { c.Hysteresis = c.Threshold - 0.0001 })
	check("hysteresis negative", false, func(c *Config) { c.Hysteresis = -0.0001 })
	check("min_evidence 1", true, func(c *Config) { c.MinEvidence = 1 })
	check("min_evidence 255", true, func(c *Config) { c.MinEvidence = 255 })
	check("min_evidence 256", false, func(c *Config) { c.MinEvidence = 256 })
	check("cooldown 0", true, func(c *Config) { c.Cooldown = 0 })
	check("daily_cap 1", true, func(c *Config) { c.DailyCap = 1 })
	check("daily_cap 255", true, func(c *Config) { c.DailyCap = 255 })
	check("daily_cap 256", false, func(c *Config) { c.DailyCap = 256 })
}

// On a real date (2019-10-01, not Unix day 0, the zero value of State.Day) the daily cap stops
// new interests after six, and the next day they fire again.
func TestDailyCapOnRealDates(t *testing.T) {
	day := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC).Unix() / 60 // in minutes
	steps := at(a, day, day+1, day+2)
	mixes := [][]Entry{b, a}
	for i := range 8 { // eight new interests in one day, 20 minutes apart
		m := day + 20*int64(i+1)
		steps = append(steps, at(mixes[i%2], m, m+1, m+2)...)
	}
	next := day + 24*60
	steps = append(steps, at(b, next, next+1, next+2)...)
	got := run(t, DefaultConfig(), steps)
	want := []Reason{FirstProfile, NewInterest, NewInterest, NewInterest, NewInterest, NewInterest, NewInterest, NewInterest}
	if !slices.Equal(got, want) {
		t.Errorf("shifts = %v, want the first profile, six new interests on 2019-10-01 and one the next day", got)
	}
}
