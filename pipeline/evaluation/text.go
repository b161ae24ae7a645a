package evaluation

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
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
	fmt.Fprintf(w, "\nlift of treatment over holdout: always-valid %s confidence sequence (CS) and mSPRT p over hourly looks, which agree "+
		"(the CS excludes 0 exactly when p < %.3g); the fixed-horizon interval holds only for a single look fixed in advance\n", conf, 1-r.Confidence)
	for _, l := range []LiftResult{r.CTRLift, r.ConversionLift} {
		writeLift(w, l)
	}
	if len(r.ArmLifts) > 0 {
		fmt.Fprintf(w, "\nper-arm CTR lift (%d comparisons: CSs simultaneous at %s by Bonferroni, p-values Holm-adjusted)\n", len(r.ArmLifts), conf)
	}
	for _, l := range r.ArmLifts {
		writeLift(w, l)
	}
}

// writeLift writes one lift result: the relative lift when there is one, else why not, and the
// absolute difference in either case.
func writeLift(w io.Writer, l LiftResult) {
	name := l.Metric
	if l.Treatment != schemas.GroupTreatment {
		name = l.Treatment + " vs " + l.Control + " " + l.Metric
	}
	switch {
	case l.Lift != nil && l.CS != nil:
		x := l.Lift
		fmt.Fprintf(w, "  %-28s %s %.4f (%d shoppers)  %s %.4f (%d shoppers)  lift %+.1f%%  CS %s  p=%.4g%s (%d looks)  fixed-horizon [%+.1f%%, %+.1f%%]\n",
			name, l.Treatment, x.Treatment.Value, x.Treatment.Units, l.Control, x.Control.Value, x.Control.Units,
			100*x.Relative, csText(*l.CS, l.CSEmpty), l.PValue, holmText(l), l.Looks, 100*x.CI.Lo, 100*x.CI.Hi)
	default:
		fmt.Fprintf(w, "  %-28s relative lift n/a: %s\n", name, l.Error)
	}
	if d := l.Diff; d != nil {
		fmt.Fprintf(w, "  %-28s difference %+.4f  CS [%+.4f, %+.4f]  p=%.4g  fixed-horizon [%+.4f, %+.4f]\n",
			"", d.Value, d.CS.Lo, d.CS.Hi, d.PValue, d.CI.Lo, d.CI.Hi)
	}
	if l.TauFrom != "" {
		fmt.Fprintf(w, "  %-28s mSPRT mixing sd %.3g on log(ratio), from %s\n", "", l.Tau, l.TauFrom)
	}
}

// csText formats a confidence sequence of a relative lift.
func csText(cs stats.Interval, empty bool) string {
	if empty {
		return "empty (the looks disagree: drift or a broken assumption)"
	}
	return fmt.Sprintf("[%s, %s]", signedPct(cs.Lo), signedPct(cs.Hi))
}

// signedPct formats a relative change, ±∞ as such.
func signedPct(x float64) string {
	if math.IsInf(x, 0) {
		return fmt.Sprintf("%+.0f", x)
	}
	return fmt.Sprintf("%+.1f%%", 100*x)
}

// holmText is ", Holm p=…" where the p-value is one of a family.
func holmText(l LiftResult) string {
	if l.HolmP == l.PValue {
		return ""
	}
	return fmt.Sprintf(", Holm p=%.4g", l.HolmP)
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
