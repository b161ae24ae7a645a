package interest

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	f := func(change func(*Config), key string) {
		t.Helper()
		c := DefaultConfig()
		change(&c)
		err := c.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), key+": ") {
			t.Errorf("want an error on %s, got %v", key, err)
		}
		if _, nerr := NewTrainer(c); nerr == nil {
			t.Errorf("NewTrainer took a config invalid on %s", key)
		}
	}
	f(func(c *Config) { c.RecentDistinct = -1 }, "recent_distinct")
	f(func(c *Config) { c.RecentDistinct = StateSize + 1 }, "recent_distinct")
	f(func(c *Config) { c.Successors, c.SuccessorSlots = 1<<17, 1<<17 }, "successors")
	f(func(c *Config) { c.SuccessorSlots = c.Successors - 1 }, "successor_slots")
	f(func(c *Config) { c.Popular = 0 }, "popular")
	f(func(c *Config) { c.Decay = 1 }, "decay")
	f(func(c *Config) { c.LearningRate = -0.1 }, "learning_rate")
	f(func(c *Config) { c.MoveLearningRate = -0.1 }, "move_learning_rate")
}
