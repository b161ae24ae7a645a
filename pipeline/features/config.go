package features

import (
	"errors"
	"fmt"
	"time"

	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/pipeline/shift"
)

// Config configures the features stage. Durations are in event time. The topics it reads
// (clickstream) and writes (dlq, shifts, profiles) are pipeline.Topics, given to New beside it.
type Config struct {
	// ShortHalfLife and LongHalfLife are the two horizons of a profile: the event time after
	// which an interest weighs half as much. The short horizon is what the shopper wants now
	// (the shift detector and shift summaries read it); the long one what they keep coming back to.
	ShortHalfLife time.Duration `mapstructure:"short_half_life"`
	LongHalfLife  time.Duration `mapstructure:"long_half_life"`
	// AllowedLateness is how far behind its shopper's latest event an event may be (for a
	// shopper with no profile, behind the partition's latest event time); older ones are
	// dead-lettered as late_event.
	AllowedLateness time.Duration `mapstructure:"allowed_lateness"`
	// ProfileTTL is the event time after a shopper's last event when the profile expires; its
	// changelog key is then deleted with a tombstone.
	ProfileTTL time.Duration `mapstructure:"profile_ttl"`

	// MaxEventBytes bounds one input record; larger ones are dead-lettered as too_large.
	MaxEventBytes int `mapstructure:"max_event_bytes"`
	// FutureSkew is how far past the wall clock an event timestamp may lie before it is rejected
	// as timestamp_out_of_range. Timestamps before 2000-01-01 are always rejected.
	FutureSkew time.Duration `mapstructure:"future_skew"`

	// TopK bounds the categories and the brands listed in a shift's summary.
	TopK int `mapstructure:"top_k"`
	// Weights says how much one event of each kind adds to a profile.
	Weights Weights `mapstructure:"weights"`
	// Shift holds the shift detector's knobs.
	Shift shift.Config `mapstructure:"shift"`
	// Model is the path of an interest model file written by `adshift train`; empty: the
	// decayed profile predicts each shopper's interest. adshift reads it at start, and a
	// missing, corrupt or foreign file stops it there.
	Model string `mapstructure:"model"`
	// KeyFrom is which field of an event keys its shopper when the rekey stage keys the
	// clickstream anew: "user" (userId, else anonymousId) or "anonymous_id".
	KeyFrom string `mapstructure:"key_from"`
}

// Weights is the interest one event of each kind adds, before decay.
type Weights struct {
	View     float64 `mapstructure:"view"`      // Product Viewed
	ListView float64 `mapstructure:"list_view"` // Product List Viewed
	Search   float64 `mapstructure:"search"`    // Products Searched
	Click    float64 `mapstructure:"click"`     // Product Clicked
	Wishlist float64 `mapstructure:"wishlist"`  // Product Added to Wishlist
	Add      float64 `mapstructure:"add"`       // Product Added
	Checkout float64 `mapstructure:"checkout"`  // Checkout Started
	Order    float64 `mapstructure:"order"`     // Order Completed
}

// DefaultConfig returns the defaults: horizons of 30 minutes and 7 days;
// an hour of allowed lateness; profiles idle for 14 days expire; 64 KiB events; an hour of
// future skew; the top 5 categories and brands; intent-graded weights; the shift defaults.
func DefaultConfig() Config {
	return Config{
		ShortHalfLife:   30 * time.Minute,
		LongHalfLife:    7 * 24 * time.Hour,
		AllowedLateness: time.Hour,
		ProfileTTL:      14 * 24 * time.Hour,
		MaxEventBytes:   64 << 10,
		FutureSkew:      time.Hour,
		TopK:            5,
		Weights: Weights{
			View:     1,
			ListView: 0.5,
			Search:   0.5,
			Click:    1.5,
			Wishlist: 2,
			Add:      3,
			Checkout: 3,
			Order:    2,
		},
		Shift:   shift.DefaultConfig(),
		KeyFrom: rekey.KeyFromUser,
	}
}

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.ShortHalfLife > 0, "short_half_life: %v is not positive", c.ShortHalfLife)
	check(c.LongHalfLife >= c.ShortHalfLife, "long_half_life: %v is shorter than short_half_life %v", c.LongHalfLife, c.ShortHalfLife)
	check(c.AllowedLateness >= 0, "allowed_lateness: %v is negative", c.AllowedLateness)
	check(c.ProfileTTL > c.AllowedLateness, "profile_ttl: %v is not longer than allowed_lateness %v", c.ProfileTTL, c.AllowedLateness)
	check(c.MaxEventBytes >= 0, "max_event_bytes: %d is negative", c.MaxEventBytes)
	check(c.FutureSkew >= 0, "future_skew: %v is negative", c.FutureSkew)
	check(c.TopK >= 1, "top_k: %d is below 1", c.TopK)
	for _, w := range []struct {
		name string
		v    float64
	}{
		{"view", c.Weights.View}, {"list_view", c.Weights.ListView}, {"search", c.Weights.Search},
		{"click", c.Weights.Click}, {"wishlist", c.Weights.Wishlist}, {"add", c.Weights.Add},
		{"checkout", c.Weights.Checkout}, {"order", c.Weights.Order},
	} {
		check(w.v >= 0, "weights.%s: %v is negative", w.name, w.v)
	}
	if err := (rekey.Config{KeyFrom: c.KeyFrom}).Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Shift.Validate(); err != nil {
		each := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			each = j.Unwrap()
		}
		for _, e := range each {
			errs = append(errs, fmt.Errorf("shift.%w", e))
		}
	}
	return errors.Join(errs...)
}
