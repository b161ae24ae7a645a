package evaluation

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// writeGuardrails writes the guardrails, each with its intervals.
func writeGuardrails(w io.Writer, gs []Guardrail, conf string) error {
	fmt.Fprintf(w, "\nguardrails (treatment, and its difference to the holdout: fixed-horizon and always-valid %s intervals)\n", conf)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  guardrail\tvalue\tinterval\tof\tholdout\tdifference\tfixed-horizon\talways-valid\tnote")
	for _, g := range gs {
		fmt.Fprintf(tw, "  %s\t%.4g\t[%.4g, %.4g]\t%d\t", g.Name, g.Value, g.CI.Lo, g.CI.Hi, g.N)
		if g.Control != nil {
			fmt.Fprintf(tw, "%.4g\t%+.4g\t[%+.4g, %+.4g]\t[%+.4g, %+.4g]\t", *g.Control, g.Diff, g.DiffCI.Lo, g.DiffCI.Hi, g.DiffCS.Lo, g.DiffCS.Hi)
		} else {
			fmt.Fprint(tw, "\t\t\t\t")
		}
		fmt.Fprintln(tw, g.Note)
	}
	return tw.Flush()
}

// writeAdjusted writes the CUPED-adjusted differences and the variance each removed.
func writeAdjusted(w io.Writer, as []Adjusted, conf string) {
	if len(as) == 0 {
		return
	}
	fmt.Fprintf(w, "\nvariance reduction (CUPED on %s; treatment − holdout, %s)\n", CUPEDCovariate, conf)
	for _, a := range as {
		if a.Error != "" {
			fmt.Fprintf(w, "  %-26s n/a: %s\n", a.Metric, a.Error)
			continue
		}
		fmt.Fprintf(w, "  %-26s difference %+.4g  adjusted [%+.4g, %+.4g] (always-valid [%+.4g, %+.4g])  unadjusted [%+.4g, %+.4g]  variance reduced %.1f%%  θ=%.3g  (%d shoppers)\n",
			a.Metric, a.Diff, a.CI.Lo, a.CI.Hi, a.CS.Lo, a.CS.Hi, a.RawCI.Lo, a.RawCI.Hi, 100*a.VarianceReduction, a.Theta, a.Shoppers)
	}
}

// writeIncremental writes what the ads caused: the treatment's credited totals against the
// holdout's comparable rate.
func writeIncremental(w io.Writer, ins []Incremental, conf string) {
	fmt.Fprintf(w, "\nincremental outcomes (credited to the treated shoppers, less what the holdout's rate predicts for as many; %s intervals)\n", conf)
	for _, in := range ins {
		if in.CI == nil {
			fmt.Fprintf(w, "  %-22s %.1f credited to %d treated shoppers; incremental %s\n", in.Metric, in.Credited, in.Shoppers, in.Note)
			continue
		}
		fmt.Fprintf(w, "  %-22s %.1f credited to %d treated shoppers, %.1f expected at the holdout's %.4g per shopper: incremental %+.1f  fixed-horizon [%+.1f, %+.1f]  always-valid [%+.1f, %+.1f]\n",
			in.Metric, in.Credited, in.Shoppers, in.Expected, in.HoldoutRate, in.Value, in.CI.Lo, in.CI.Hi, in.CS.Lo, in.CS.Hi)
	}
}
