package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/adshift/adshift/pipeline/strategy"
)

// chooser builds the creatives stage's strategy as creatives.strategy.policy says: the uniform
// assigner, or the Thompson bandit with a goroutine refreshing its posteriors from ClickHouse
// every refresh_interval. The returned stop ends that goroutine, waits for it and closes its
// ClickHouse client; run calls it after the creatives group has stopped.
func (a *app) chooser(ctx context.Context, cfg strategy.Config) (strategy.Chooser, func(context.Context) error, error) {
	c, err := strategy.New(cfg, a.log, a.reg)
	if err != nil {
		return nil, nil, fmt.Errorf("creatives.strategy: %w", err)
	}
	th, ok := c.(*strategy.Thompson)
	if !ok {
		return c, func(context.Context) error { return nil }, nil
	}
	ch, err := a.clickhouse(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("creatives.strategy.policy %s reads its posteriors from ClickHouse: %w", cfg.Policy, err)
	}
	refreshCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- th.Run(refreshCtx, ch, cfg.RefreshInterval) }()
	a.log.Info("thompson-sampling strategy; posteriors refresh from ClickHouse", "database", ch.Database(),
		"experiment", cfg.Experiment, "every", cfg.RefreshInterval)
	stop := func(ctx context.Context) error {
		cancel()
		select {
		case err := <-done:
			return errors.Join(err, ch.Close())
		case <-ctx.Done():
			return fmt.Errorf("stop the posterior refresh: %w", ctx.Err())
		}
	}
	return th, stop, nil
}
