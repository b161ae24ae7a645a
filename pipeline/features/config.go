package features

import (
	"errors"
	"fmt"
	"time"
)

// Config configures the features stage. Durations are in event time.
type Config struct {
	ClickstreamTopic string `mapstructure:"-"` // read: Segment e-commerce events, key = user
	DLQTopic         string `mapstructure:"-"` // written: rejected input
	ShiftsTopic      string `mapstructure:"-"` // written: profile shifts, key = user

	// HalfLife is the event time after which an interest weighs half as much.
	HalfLife time.Duration `mapstructure:"half_life"`
	// MinEvents is how many interest events a shopper needs before the first profile is published.
	MinEvents int `mapstructure:"min_events"`
	// ShiftThreshold is the cosine distance (0..1 for non-negative weights) between the current
	// category mix and the mix at the last shift above which interest counts as new.
	ShiftThreshold float64 `mapstructure:"shift_threshold"`
	// Cooldown is the least event time between a shift and a following new_interest shift.
	Cooldown time.Duration `mapstructure:"cooldown"`

	// MaxEventBytes bounds one input record; larger ones are dead-lettered as too_large.
	MaxEventBytes int `mapstructure:"max_event_bytes"`
	// FutureSkew is how far past the wall clock an event timestamp may lie before it is rejected
	// as timestamp_out_of_range. Timestamps before 2000-01-01 are always rejected.
	FutureSkew time.Duration `mapstructure:"future_skew"`

	// TopK bounds the categories and the brands listed in a shift's summary.
	TopK int `mapstructure:"top_k"`
	// Weights says how much one event of each kind adds to a profile.
	Weights Weights `mapstructure:"weights"`
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

// DefaultConfig returns the defaults: the standard topics, a 30 minute half-life, a first profile
// after 3 events, new interest beyond a cosine distance of 0.5 at most every 10 minutes, 64 KiB
// events, an hour of future skew, the top 5 categories and brands, and intent-graded weights.
func DefaultConfig() Config {
	return Config{
		ClickstreamTopic: "clickstream",
		DLQTopic:         "clickstream.dlq",
		ShiftsTopic:      "adshift.shifts",
		HalfLife:         30 * time.Minute,
		MinEvents:        3,
		ShiftThreshold:   0.5,
		Cooldown:         10 * time.Minute,
		MaxEventBytes:    64 << 10,
		FutureSkew:       time.Hour,
		TopK:             5,
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
	check(c.ClickstreamTopic != "", "clickstream_topic is empty")
	check(c.DLQTopic != "", "dlq_topic is empty")
	check(c.ShiftsTopic != "", "shifts_topic is empty")
	check(c.HalfLife > 0, "half_life %v is not positive", c.HalfLife)
	check(c.MinEvents >= 1, "min_events %d is below 1", c.MinEvents)
	check(c.ShiftThreshold > 0 && c.ShiftThreshold <= 1, "shift_threshold %v is outside (0, 1]", c.ShiftThreshold)
	check(c.Cooldown >= 0, "cooldown %v is negative", c.Cooldown)
	check(c.MaxEventBytes >= 0, "max_event_bytes %d is negative", c.MaxEventBytes)
	check(c.FutureSkew >= 0, "future_skew %v is negative", c.FutureSkew)
	check(c.TopK >= 1, "top_k %d is below 1", c.TopK)
	for _, w := range []struct {
		name string
		v    float64
	}{
		{"view", c.Weights.View}, {"list_view", c.Weights.ListView}, {"search", c.Weights.Search},
		{"click", c.Weights.Click}, {"wishlist", c.Weights.Wishlist}, {"add", c.Weights.Add},
		{"checkout", c.Weights.Checkout}, {"order", c.Weights.Order},
	} {
		check(w.v >= 0, "weights.%s %v is negative", w.name, w.v)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("features config: %w", err)
	}
	return nil
}
