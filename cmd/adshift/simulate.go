package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/simulation"
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
			data, err := readSimulation(cfg.Format, cfg.File)
			if err != nil {
				return err
			}
			start := time.Now()
			res, err := simulation.Run(cmd.Context(), cfg, data)
			if err != nil {
				return err
			}
			a.log.Debug("simulation done", "took", time.Since(start))
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return printSimulation(cmd.OutOrStdout(), res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&sc.Format, "format", "", "dataset format: rees46 or taobao")
	f.StringVar(&sc.File, "file", "", "dataset file; its distinct products are the catalogue")
	f.Uint64Var(&sc.Seed, "seed", 1, "seeds the shoppers' clicks and the strategy's hashes")
	f.StringVar(&effects, "arm-effect", "", `per-arm click multipliers, the truth to find, e.g. "personal=1.5,value=1.2" (others 1)`)
	f.StringVar(&policy, "policy", creative.StrategyThompson, "strategy: thompson or uniform")
	f.DurationVar(&sc.Refresh, "refresh", sc.Refresh, "event time between posterior refreshes")
	f.IntVar(&sc.Buckets, "buckets", sc.Buckets, "spans the regret and arm-share table splits the run into")
	f.Float64Var(&sc.Click.Product, "ctr-product", sc.Click.Product, "click probability when the shopper goes on to the advertised product")
	f.Float64Var(&sc.Click.Category, "ctr-category", sc.Click.Category, "… to its category")
	f.Float64Var(&sc.Click.Segment, "ctr-segment", sc.Click.Segment, "… to its segment (root category)")
	f.Float64Var(&sc.Click.Other, "ctr-other", sc.Click.Other, "… to none of these")
	f.BoolVar(&asJSON, "json", false, "print JSON instead of tables")
	_ = cmd.MarkFlagRequired("format")
	_ = cmd.MarkFlagRequired("file")
	return cmd
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

func printSimulation(w io.Writer, r simulation.Result) error {
	var eff []string
	for _, arm := range slices.Sorted(maps.Keys(r.Effects)) {
		eff = append(eff, fmt.Sprintf("%s=%g", arm, r.Effects[arm]))
	}
	if len(eff) == 0 {
		eff = []string{"none"}
	}
	fmt.Fprintf(w, "adshift simulate — %s %s, seed %d, policy %s\n", r.Format, r.File, r.Seed, r.Policy)
	fmt.Fprintf(w, "arm effects (truth): %s, others 1; best arm %s\n", strings.Join(eff, " "), r.BestArm)
	fmt.Fprintf(w, "events %d, shifts %d, ads %d, impressions %d, clicks %d, conversions %d (attributed %d), posterior refreshes %d\n\n",
		r.Events, r.Shifts, r.Ads, r.Impressions, r.Clicks, r.Conversions, r.Attributed, r.Refreshes)

	var arms []string
	if len(r.Buckets) > 0 {
		arms = slices.Sorted(maps.Keys(r.Buckets[0].Shares))
	}
	fmt.Fprintln(w, "regret against the best arm, cumulative expected clicks lost; arm shares of each bucket's treatment impressions")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "bucket\tuntil (event time)\timpressions\tregret\tuniform regret\tratio\t%s\t\n", strings.Join(arms, "\t"))
	for i, b := range r.Buckets {
		ratio := "-"
		if b.UniformRegret > 0 {
			ratio = fmt.Sprintf("%.2f", b.Regret/b.UniformRegret)
		}
		var shares []string
		for _, a := range arms {
			shares = append(shares, fmt.Sprintf("%.0f%%", 100*b.Shares[a]))
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%.2f\t%.2f\t%s\t%s\t\n", i+1, b.End.UTC().Format("2006-01-02 15:04"), b.Impressions,
			b.Regret, b.UniformRegret, ratio, strings.Join(shares, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "\nmeasured from the outcome rows (CTR with Wilson 95% interval) beside the true CTR")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "arm\tgroup\timpressions\tclicks\tCTR\t95% interval\ttrue CTR\tconversions\tattributed\t")
	for _, a := range r.Arms {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f%%\t[%.2f%%, %.2f%%]\t%.2f%%\t%d\t%d\t\n", a.Arm, a.Group, a.Impressions, a.Clicks,
			100*a.CTR, 100*a.CI.Lo, 100*a.CI.Hi, 100*a.TrueCTR, a.Conversions, a.Attributed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	l := r.Lift
	fmt.Fprintln(w, "\nlift of treatment over holdout CTR (delta method over shoppers, 95%)")
	if l.Error != "" {
		fmt.Fprintf(w, "  measured: not available (%s); true %+.1f%%\n", l.Error, 100*l.True)
		return nil
	}
	covered := "no"
	if l.Covered {
		covered = "yes"
	}
	_, err := fmt.Fprintf(w, "  measured %+.1f%% [%+.1f%%, %+.1f%%]  (treatment %.2f%% over %d shoppers, holdout %.2f%% over %d)\n  true     %+.1f%%   covered: %s\n",
		100*l.Measured.Relative, 100*l.Measured.CI.Lo, 100*l.Measured.CI.Hi,
		100*l.Measured.Treatment.Value, l.Measured.Treatment.Units, 100*l.Measured.Control.Value, l.Measured.Control.Units,
		100*l.True, covered)
	return err
}
