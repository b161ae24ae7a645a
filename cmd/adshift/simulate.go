package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/sources/dataset"
)

func newSimulateCmd(a *app) *cobra.Command {
	var (
		effects, policy string
		asJSON          bool
		sc              = simulation.DefaultConfig()
	)
	cmd := &cobra.Command{
		Use:   "simulate --format rees46|taobao --file F [--seed N] [--arm-effect personal=1.5,value=1.2] [--json]",
		Short: "Close the loop offline: replay a dataset through the pipeline with simulated delivery and shoppers",
		Long: `Simulate replays a dataset through the features, creatives and outcomes stages in-process, with
the creatives stage's strategy (the Thompson bandit by default), and plays delivery and shoppers:
an ad is shown at the shopper's next event in the data; it is clicked with a probability set by how
well its product matches what the shopper really does next, times the arm's configured effect;
a click converts when the shopper really orders in the ad's segment later. The bandit's posteriors
are refreshed from the simulation's own tally every --refresh of event time. It prints the bandit's
regret against the best arm over time, its arm shares, and the lift the report's statistics measure
next to the true lift. The same flags and seed always print the same result.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eff, err := simulation.ParseEffects(effects)
			if err != nil {
				return fmt.Errorf("--arm-effect: %w", err)
			}
			cfg := sc
			cfg.Effects = eff
			cfg.Features, cfg.Creatives, cfg.Outcomes = a.cfg.Features, a.cfg.Creatives, a.cfg.Outcomes
			cfg.Creatives.Strategy.Policy = policy
			if cfg.Model, err = a.interestModel(); err != nil {
				return err
			}
			return a.simulate(cmd.Context(), cfg, asJSON, cmd.OutOrStdout())
		},
	}
	simulationFlags(cmd, &sc)
	f := cmd.Flags()
	f.StringVar(&effects, "arm-effect", "", `per-arm click multipliers, the truth to find, e.g. "personal=1.5,value=1.2" (others 1)`)
	f.StringVar(&policy, "policy", strategy.ChooseThompson, "strategy: thompson or uniform")
	f.BoolVar(&asJSON, "json", false, "print JSON instead of tables")
	_ = cmd.MarkFlagRequired("format")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// simulationFlags binds cmd's flags that set the simulated world of sc.
func simulationFlags(cmd *cobra.Command, sc *simulation.Config) {
	f := cmd.Flags()
	f.StringVar(&sc.Format, "format", "", "dataset format: rees46 or taobao")
	f.StringVar(&sc.File, "file", "", "dataset file; its distinct products are the catalogue")
	f.Uint64Var(&sc.Seed, "seed", 1, "seeds the shoppers' clicks and the strategy's hashes")
	f.DurationVar(&sc.Refresh, "refresh", sc.Refresh, "event time between posterior refreshes")
	f.IntVar(&sc.Buckets, "buckets", sc.Buckets, "spans the regret and arm-share table splits the run into")
	f.Float64Var(&sc.Click.Product, "ctr-product", sc.Click.Product, "click probability when the shopper goes on to the advertised product")
	f.Float64Var(&sc.Click.Category, "ctr-category", sc.Click.Category, "… to its category")
	f.Float64Var(&sc.Click.Segment, "ctr-segment", sc.Click.Segment, "… to its segment (root category)")
	f.Float64Var(&sc.Click.Other, "ctr-other", sc.Click.Other, "… to none of these")
}

// simulate runs the simulation cfg sets and writes its result, as JSON or as tables.
func (a *app) simulate(ctx context.Context, cfg simulation.Config, asJSON bool, w io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	data, err := readSimulation(cfg.Format, cfg.File)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := simulation.Run(ctx, cfg, data)
	if err != nil {
		return err
	}
	a.log.Debug("simulation done", "took", time.Since(start))
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return simulation.WriteText(w, res)
}

// readSimulation reads the dataset a simulation plays, and its catalogue.
func readSimulation(format, file string) (simulation.Data, error) {
	events, skips, err := dataset.ReadAll(format, file)
	if err != nil {
		return simulation.Data{}, fmt.Errorf("simulate %s: %w", file, err)
	}
	products, _, err := dataset.LoadCatalog(format, file)
	if err != nil {
		return simulation.Data{}, fmt.Errorf("simulate: catalogue: %w", err)
	}
	return simulation.Data{Events: events, BadRows: skips, Products: products}, nil
}
