package creatives

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/strategy"
)

// Config configures the creatives stage. Zero fields take the defaults in their comments. The
// topics it reads (shifts) and writes (ads, dlq) are pipeline.Topics, given to New beside it.
type Config struct {
	AdTTL         time.Duration   `mapstructure:"ad_ttl"`          // how long an ad may be delivered after its shift; default 24h
	Locale        string          `mapstructure:"locale"`          // copy locale for shifts that carry none; default "en"
	RecentPerUser int             `mapstructure:"recent_per_user"` // products remembered per shopper so ads vary; default 5
	RecentUsers   int             `mapstructure:"recent_users"`    // shoppers remembered per partition; default 100000
	Strategy      strategy.Config `mapstructure:"strategy"`        // holdout and arms
	Guard         creative.Guard  `mapstructure:"guard"`           // placement limits every published creative is held to
}

// DefaultConfig returns the defaults, spelled out.
func DefaultConfig() Config {
	c := Config{
		Strategy: strategy.DefaultConfig(),
		Guard:    creative.Guard{HeadlineMax: creative.DefaultHeadlineMax, BodyMax: creative.DefaultBodyMax, CTAMax: creative.DefaultCTAMax},
	}
	return c.withDefaults()
}

func (c Config) withDefaults() Config {
	c.AdTTL = cmp.Or(c.AdTTL, 24*time.Hour)
	c.Locale = cmp.Or(c.Locale, creative.LocaleEN)
	c.RecentPerUser = cmp.Or(c.RecentPerUser, 5)
	c.RecentUsers = cmp.Or(c.RecentUsers, 100_000)
	return c
}

// Validate reports every setting that cannot work, each error naming its key.
func (c Config) Validate() error {
	var errs []error
	if c.AdTTL < 0 {
		errs = append(errs, fmt.Errorf("ad_ttl: %v must not be negative", c.AdTTL))
	}
	if c.RecentPerUser < 0 {
		errs = append(errs, fmt.Errorf("recent_per_user: %d must not be negative", c.RecentPerUser))
	}
	if c.RecentUsers < 0 {
		errs = append(errs, fmt.Errorf("recent_users: %d must not be negative", c.RecentUsers))
	}
	if err := c.Strategy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("strategy.%w", err))
	}
	return errors.Join(errs...)
}
