package strategy

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/schemas"
)

// Chooser picks the strategy of the ad for a shopper's profile version in a segment: the arm,
// the holdout group and the propensity of that choice. Implementations are safe for concurrent
// use: every partition worker of the creatives stage calls the same one.
type Chooser interface {
	Choose(user string, version uint64, segment string) schemas.Strategy
}

// New returns the chooser cfg.Policy names: the uniform *Assigner, or a *Thompson bandit
// starting from its prior, which its owner refreshes (Thompson.Run or Refresh). logger and reg
// may be nil to discard the bandit's logs and metrics.
func New(cfg Config, logger *slog.Logger, reg prometheus.Registerer) (Chooser, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Policy == ChooseThompson {
		return NewThompson(cfg, logger, reg)
	}
	return NewAssigner(cfg)
}
