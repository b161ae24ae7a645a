package evaluation

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report as terminal tables.
func WriteText(w io.Writer, r Report) error {
	conf := fmt.Sprintf("%g%%", 100*r.Confidence)
	fmt.Fprintf(w, "adshift report — ClickHouse database %s (distinct ids; duplicates never count twice; intervals %s)\n",
		r.Database, conf)
	writeSampleRatio(w, r.SampleRatio)
	for _, t := range []struct {
		title string
		rows  []Row
	}{{"by arm", r.ByArm}, {"by segment", r.BySegment}, {"by generator", r.ByGenerator}, {"by group", r.ByGroup}} {
		fmt.Fprintf(w, "\n%s\n", t.title)
		if err := writeRows(w, append(slices.Clip(t.rows), r.Total)); err != nil {
			return err
		}
	}
	if r.Total.OrphanClicks > 0 {
		fmt.Fprintf(w, "\nclicks without an impression of their ad (left out of CTR): %d\n", r.Total.OrphanClicks)
	}
	writeLifts(w, r, conf)
	if err := writeOffPolicy(w, r.OffPolicy, conf); err != nil {
		return err
	}
	return writeFailures(w, r.Failures)
}

// writeSampleRatio writes the sample ratio checks, with a warning above everything else when one
// failed.
func writeSampleRatio(w io.Writer, s SampleRatio) {
	if s.Mismatch {
		fmt.Fprintf(w, "\n%s\n", mismatchWarning(s))
	}
	fmt.Fprintf(w, "\nsample ratio checks (chi-square, 1 df; a check fails below p=%g)\n", s.Alpha)
	for _, c := range s.Checks {
		verdict := "ok"
		if c.Failed {
			verdict = "FAILED"
		}
		switch {
		case c.Error != "" && !c.Failed:
			fmt.Fprintf(w, "  %-22s n/a: %s\n", c.Name, c.Error)
		case c.Name == holdoutCheckName:
			fmt.Fprintf(w, "  %-22s %.0f of %d shoppers (%.2f%%), expected %.1f (%.2f%%)  chi2=%.4g  p=%.4g  %s\n",
				c.Name, c.Observed, c.Of, 100*c.Observed/float64(c.Of), c.Expected, 100*c.Expected/float64(c.Of),
				c.ChiSquare, c.PValue, verdict)
		default:
			fmt.Fprintf(w, "  %-22s weighted by 1/propensity %.1f, expected %d treatment ads shown  chi2=%.4g  p=%.4g (Bonferroni)  %s\n",
				c.Name, c.Observed, c.Of, c.ChiSquare, c.PValue, verdict)
		}
	}
}

// mismatchWarning is the one-line warning of a failed sample ratio check.
func mismatchWarning(s SampleRatio) string {
	var failed []string
	for _, c := range s.Checks {
		if c.Failed {
			failed = append(failed, c.Name)
		}
	}
	return fmt.Sprintf("WARNING: SAMPLE RATIO MISMATCH (%s, p < %g): the assignment did not produce the shares it promises; "+
		"every conclusion below may be biased.", strings.Join(failed, ", "), s.Alpha)
}

// writeLifts writes the lift of treatment over holdout on each metric.
func writeLifts(w io.Writer, r Report, conf string) {
	fmt.Fprintf(w, "\nlift of treatment over holdout (per-shopper delta method, %s; mSPRT always-valid p over %s looks)\n", conf, r.Bucket)
	for _, l := range []LiftResult{r.CTRLift, r.ConversionLift} {
		if l.Lift == nil {
			fmt.Fprintf(w, "  %-28s n/a: %s\n", l.Metric, l.Error)
			continue
		}
		x := l.Lift
		fmt.Fprintf(w, "  %-28s treatment %.4f (%d shoppers)  holdout %.4f (%d shoppers)  lift %+.1f%% [%+.1f%%, %+.1f%%]  p=%.4g (%d looks)\n",
			l.Metric, x.Treatment.Value, x.Treatment.Units, x.Control.Value, x.Control.Units,
			100*x.Relative, 100*x.CI.Lo, 100*x.CI.Hi, l.PValue, l.Looks)
	}
}

// writeOffPolicy writes the off-policy estimates of the alternative policies.
func writeOffPolicy(w io.Writer, policies []Policy, conf string) error {
	fmt.Fprintf(w, "\noff-policy CTR of alternative policies, from the treatment's logged propensities (%s)\n", conf)
	if len(policies) == 0 {
		fmt.Fprintln(w, "  none: no treatment ad was shown yet")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if len(policies) > 0 {
		fmt.Fprintln(tw, "policy\tIPS\tinterval\tSNIPS\tinterval\tmatched\tof\teffective n\t")
	}
	for _, p := range policies {
		if p.Error != "" {
			fmt.Fprintf(tw, "%s\tn/a\t%s\t\t\t\t\t\t\n", p.Name, p.Error)
			continue
		}
		fmt.Fprintf(tw, "%s\t%.4f\t[%.4f, %.4f]\t%.4f\t[%.4f, %.4f]\t%d\t%d\t%.0f\t\n", p.Name, p.IPS, p.IPSCI.Lo, p.IPSCI.Hi,
			p.SNIPS, p.SNIPSCI.Lo, p.SNIPSCI.Hi, p.Matched, p.N, p.EffectiveN)
	}
	return tw.Flush()
}

// writeFailures writes the failed events by kind.
func writeFailures(w io.Writer, failures map[string]uint64) error {
	fmt.Fprintln(w)
	if len(failures) == 0 {
		_, err := fmt.Fprintln(w, "failed events: none")
		return err
	}
	fmt.Fprintln(w, "failed events (clickstream.dlq) by kind:")
	for _, k := range slices.Sorted(maps.Keys(failures)) {
		fmt.Fprintf(w, "  %-24s %d\n", k, failures[k])
	}
	return nil
}

func writeRows(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tads\timpressions\tclicks\tCTR\tinterval\tconv click\tconv view\tCVR\tinterval\trevenue\ttokens\tcost/click\tcost/conv\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f%%\t[%.2f, %.2f]\t%d\t%d\t%.1f%%\t[%.1f, %.1f]\t%.2f\t%d\t%.4f\t%.4f\t\n",
			r.Key, r.Ads, r.Impressions, r.Clicks, 100*r.CTR, 100*r.CTRCI.Lo, 100*r.CTRCI.Hi,
			r.ClickConversions, r.ViewConversions, 100*r.CVR, 100*r.CVRCI.Lo, 100*r.CVRCI.Hi,
			r.Revenue, r.Tokens, r.CostPerClick, r.CostPerConversion)
	}
	return tw.Flush()
}
