package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/sources/kafka"
)

func newDeliverCmd(a *app) *cobra.Command {
	var idle, firstWait time.Duration
	var seed uint64
	cmd := &cobra.Command{
		Use:   "deliver [--idle 10s]",
		Short: "Play a simulated delivery system: show ready ads, write views and clicks back",
		Long: `Deliver stands in for the delivery system outside adshift, for demos and tests. It reads
ads.ready, shows each ad, and writes Promotion Viewed and (with a per-arm probability) Promotion
Clicked and Order Completed events back into the clickstream. It stops once no ad has arrived
for --idle after the first, or on SIGINT/SIGTERM, and prints what it delivered. It fails when no
ad at all arrives within --first-wait.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			brokers := a.clientBrokers()
			out, err := a.producer(ctx, brokers, a.cfg.Kafka.ClientID+"-deliver")
			if err != nil {
				return err
			}
			defer func() { _ = out.Close(context.WithoutCancel(ctx)) }()
			cfg := simulation.DefaultDeliveryConfig()
			cfg.AdsTopic, cfg.ClickstreamTopic, cfg.Seed = a.cfg.Topics.Ads.Name, a.cfg.Topics.Clickstream.Name, seed
			d := simulation.NewDelivery(cfg, out)
			g, err := kafka.NewGroup(a.group(brokers, d.Name()), d, a.log, a.reg)
			if err != nil {
				return err
			}
			runCtx, stop := context.WithCancel(ctx)
			defer stop()
			waitCtx, quit := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { err := g.Run(runCtx); quit(); done <- err }()
			waited := d.Idle(waitCtx, firstWait, idle)
			stop()
			ran := <-done
			switch {
			case errors.Is(waited, simulation.ErrNoAds):
				return fmt.Errorf("no ad arrived on %s within %s: is \"adshift run\" running and fed?", cfg.AdsTopic, firstWait)
			case waited != nil: // the group ended first, or a signal came
				return ran
			case ran != nil && !errors.Is(ran, context.Canceled):
				return ran
			}
			c := d.Counts()
			fmt.Fprintf(cmd.OutOrStdout(), "delivered ads=%d impressions=%d clicks=%d orders=%d\n", c.Ads, c.Impressions, c.Clicks, c.Orders)
			return nil
		},
	}
	cmd.Flags().DurationVar(&idle, "idle", 10*time.Second, "stop after no ad arrived for this long")
	cmd.Flags().DurationVar(&firstWait, "first-wait", 2*time.Minute, "fail when no ad arrived within this long")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the simulated shoppers' choices")
	return cmd
}
