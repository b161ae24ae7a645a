package features

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	f := func(mutate func(*Config), want string) {
		t.Helper()
		cfg := DefaultConfig()
		mutate(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want an error about %q", err, want)
		}
	}
	f(func(c *Config) { c.ShiftsTopic = "" }, "shifts_topic")
	f(func(c *Config) { c.HalfLife = 0 }, "half_life")
	f(func(c *Config) { c.MinEvents = 0 }, "min_events")
	f(func(c *Config) { c.ShiftThreshold = 0 }, "shift_threshold")
	f(func(c *Config) { c.ShiftThreshold = 1.5 }, "shift_threshold")
	f(func(c *Config) { c.Cooldown = -time.Second }, "cooldown")
	f(func(c *Config) { c.TopK = 0 }, "top_k")
	f(func(c *Config) { c.Weights.Add = -1 }, "weights.add")

	if _, err := New(Config{}, &fakeEmitter{}, nil, nil); err == nil {
		t.Error("New accepted an empty config")
	}
	if _, err := New(DefaultConfig(), nil, nil, nil); err == nil {
		t.Error("New accepted a nil emitter")
	}
}
