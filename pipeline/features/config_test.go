package features

import (
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/pipeline/shift"
)

// The defaults are the ones adshift.example.yaml documents.
func TestDefaultConfigIsTheDocumentedOne(t *testing.T) {
	want := Config{
		ShortHalfLife:   30 * time.Minute,
		LongHalfLife:    168 * time.Hour,
		AllowedLateness: time.Hour,
		ProfileTTL:      336 * time.Hour,
		MaxEventBytes:   65536,
		FutureSkew:      time.Hour,
		TopK:            5,
		Weights:         Weights{View: 1, ListView: 0.5, Search: 0.5, Click: 1.5, Wishlist: 2, Add: 3, Checkout: 3, Order: 2},
		Shift:           shift.DefaultConfig(),
		KeyFrom:         "user",
	}
	if got := DefaultConfig(); got != want {
		t.Errorf("DefaultConfig() =\n%+v\nwant\n%+v", got, want)
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

// Validate refuses each setting just outside its range, accepts it at the edge, and names every
// bad setting of a config at once.
func TestConfigValidate(t *testing.T) {
	f := func(name string, edit func(*Config), want string) {
		t.Helper()
		c := DefaultConfig()
		edit(&c)
		err := c.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v, want no error", name, err)
		case want != "" && err == nil:
			t.Errorf("%s: no error, want %q", name, want)
		case want != "" && !strings.Contains(err.Error(), want):
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
	f("short half-life zero", func(c *Config) { c.ShortHalfLife = 0 }, "short_half_life: 0s is not positive")
	f("short half-life 1ns", func(c *Config) { c.ShortHalfLife, c.LongHalfLife = 1, 1 }, "")
	f("long shorter than short", func(c *Config) { c.LongHalfLife = c.ShortHalfLife - 1 }, "long_half_life: 29m59.999999999s is shorter than short_half_life 30m0s")
	f("long equal to short", func(c *Config) { c.LongHalfLife = c.ShortHalfLife }, "")
	f("lateness negative", func(c *Config) { c.AllowedLateness = -1 }, "allowed_lateness: -1ns is negative")
	f("lateness zero", func(c *Config) { c.AllowedLateness = 0 }, "")
	f("ttl equal to lateness", func(c *Config) { c.ProfileTTL = c.AllowedLateness }, "profile_ttl: 1h0m0s is not longer than allowed_lateness 1h0m0s")
	f("ttl just over lateness", func(c *Config) { c.ProfileTTL = c.AllowedLateness + 1 }, "")
	f("max event bytes negative", func(c *Config) { c.MaxEventBytes = -1 }, "max_event_bytes: -1 is negative")
	f("max event bytes zero", func(c *Config) { c.MaxEventBytes = 0 }, "")
	f("future skew negative", func(c *Config) { c.FutureSkew = -1 }, "future_skew: -1ns is negative")
	f("future skew zero", func(c *Config) { c.FutureSkew = 0 }, "")
	f("top k zero", func(c *Config) { c.TopK = 0 }, "top_k: 0 is below 1")
	f("top k one", func(c *Config) { c.TopK = 1 }, "")
	for _, w := range []struct {
		name string
		set  func(*Weights, float64)
	}{
		{"view", func(w *Weights, v float64) { w.View = v }},
		{"list_view", func(w *Weights, v float64) { w.ListView = v }},
		{"search", func(w *Weights, v float64) { w.Search = v }},
		{"click", func(w *Weights, v float64) { w.Click = v }},
		{"wishlist", func(w *Weights, v float64) { w.Wishlist = v }},
		{"add", func(w *Weights, v float64) { w.Add = v }},
		{"checkout", func(w *Weights, v float64) { w.Checkout = v }},
		{"order", func(w *Weights, v float64) { w.Order = v }},
	} {
		f(w.name+" negative", func(c *Config) { w.set(&c.Weights, -0.5) }, "weights."+w.name+": -0.5 is negative")
		f(w.name+" zero", func(c *Config) { w.set(&c.Weights, 0) }, "")
	}
	f("key from", func(c *Config) { c.KeyFrom = "email" }, "key_from")
	f("key from anonymous id", func(c *Config) { c.KeyFrom = rekey.KeyFromAnonymousID }, "")
	f("shift", func(c *Config) { c.Shift.Threshold = 2 }, "shift.threshold")

	c := DefaultConfig()
	c.ShortHalfLife, c.TopK, c.Shift.Threshold = 0, 0, 2
	err := c.Validate()
	if err == nil {
		t.Fatal("three bad settings: no error")
	}
	if n := len(strings.Split(err.Error(), "\n")); n != 3 {
		t.Errorf("three bad settings gave %d errors: %v", n, err)
	}

	// Every bad setting of the shift section is named under it.
	c = DefaultConfig()
	c.Shift.MinEvents, c.Shift.Threshold = 0, 2
	err = c.Validate()
	if err == nil {
		t.Fatal("two bad shift settings: no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "shift.min_events: ") || !strings.HasPrefix(lines[1], "shift.threshold: ") {
		t.Errorf("two bad shift settings: %q", lines)
	}
}
