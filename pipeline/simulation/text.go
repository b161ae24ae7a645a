package simulation

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteText writes a simulation's result as terminal tables: the run, the regret and arm shares
// over time, the measured CTR per arm beside the true one, and the measured lift beside the true.
func WriteText(w io.Writer, r Result) error {
	writeRun(w, r)
	if err := writeRegret(w, r.Buckets); err != nil {
		return err
	}
	if err := writeArms(w, r.Arms); err != nil {
		return err
	}
	return writeLift(w, r.Lift)
}

// writeRun writes what was run and what came of it.
func writeRun(w io.Writer, r Result) {
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
}

// writeRegret writes the regret and the arm shares of each bucket.
func writeRegret(w io.Writer, buckets []Bucket) error {
	var arms []string
	if len(buckets) > 0 {
		arms = slices.Sorted(maps.Keys(buckets[0].Shares))
	}
	fmt.Fprintln(w, "regret against the best arm, cumulative expected clicks lost; arm shares of each bucket's treatment impressions")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "bucket\tuntil (event time)\timpressions\tregret\tuniform regret\tratio\t%s\t\n", strings.Join(arms, "\t"))
	for i, b := range buckets {
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
	return tw.Flush()
}

// writeArms writes the CTR measured per arm and group beside the true one.
func writeArms(w io.Writer, arms []ArmResult) error {
	fmt.Fprintln(w, "\nmeasured from the outcome rows (CTR with Wilson 95% interval) beside the true CTR")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "arm\tgroup\timpressions\tclicks\tCTR\t95% interval\ttrue CTR\tconversions\tattributed\t")
	for _, a := range arms {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f%%\t[%.2f%%, %.2f%%]\t%.2f%%\t%d\t%d\t\n", a.Arm, a.Group, a.Impressions, a.Clicks,
			100*a.CTR, 100*a.CI.Lo, 100*a.CI.Hi, 100*a.TrueCTR, a.Conversions, a.Attributed)
	}
	return tw.Flush()
}

// writeLift writes the lift measured beside the true one.
func writeLift(w io.Writer, l LiftResult) error {
	fmt.Fprintln(w, "\nlift of treatment over holdout CTR (delta method over shoppers, 95%)")
	if l.Error != "" {
		fmt.Fprintf(w, "  measured: not available (%s); true %+.1f%%\n", l.Error, 100*l.True)
		return nil
	}
	covered := "no"
	if l.Covered {
		covered = "yes"
	}
	_, err := fmt.Fprintf(w, "  measured %+.1f%% [%+.1f%%, %+.1f%%]  (treatment %.2f%% over %d shoppers, holdout %.2f%% over %d)\n  true     %+.1f%%   (every shown shopper treated vs every one held out, under the policy's arm probabilities)   covered: %s\n",
		100*l.Measured.Relative, 100*l.Measured.CI.Lo, 100*l.Measured.CI.Hi,
		100*l.Measured.Treatment.Value, l.Measured.Treatment.Units, 100*l.Measured.Control.Value, l.Measured.Control.Units,
		100*l.True, covered)
	return err
}
