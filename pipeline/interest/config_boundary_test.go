package interest

import (
	"math"
	"testing"
)

func TestDefaultConfigIsTheDocumentedOne(t *testing.T) {
	want := Config{RecentDistinct: 5, Successors: 30, SuccessorSlots: 64, Popular: 30, Decay: 0.7, LearningRate: 0.01, MoveLearningRate: 0.3}
	if got := DefaultConfig(); got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
}

// The edges of every validated range are accepted; just past them is refused (see
// TestConfigValidate for the keys named).
func TestConfigValidateAcceptsTheEdges(t *testing.T) {
	f := func(change func(*Config), ok bool) {
		t.Helper()
		c := DefaultConfig()
		change(&c)
		if err := c.Validate(); (err == nil) != ok {
			t.Errorf("%+v: error %v, want ok %v", c, err, ok)
		}
	}
	f(func(c *Config) { c.RecentDistinct = StateSize }, true)
	f(func(c *Config) { c.RecentDistinct = 1 }, true)
	f(func(c *Config) { c.RecentDistinct = 0 }, false)
	f(func(c *Config) { c.Successors, c.SuccessorSlots = maxSetting, maxSetting }, true)
	f(func(c *Config) { c.SuccessorSlots = c.Successors }, true)
	f(func(c *Config) { c.Decay = maxDecay }, true)
	f(func(c *Config) { c.Decay = 0 }, false)
	f(func(c *Config) { c.LearningRate = 0 }, true)
	f(func(c *Config) { c.LearningRate = math.Inf(1) }, false)
	f(func(c *Config) { c.MoveLearningRate = 0 }, true)
	f(func(c *Config) { c.MoveLearningRate = math.Inf(1) }, false)
}
