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
	if r.Simulated != nil {
		fmt.Fprintf(w, "\n%s\n", r.Simulated.Text)
	}
	fmt.Fprintf(w, "\nwhat this says: %s\n", r.Summary)
	writeSampleRatio(w, r.SampleRatio)
	for _, t := range []struct {
		title string
		rows  []Row
	}{{"by arm", r.ByArm}, {"by segment", r.BySegment}, {"by generator", r.ByGenerator}, {"by group", r.ByGroup}} {
		fmt.Fprintf(w, "\n%s\n", t.title)
		if err := writeRows(w, append(slices.Clip(t.rows), r.Total), r); err != nil {
			return err
		}
	}
	if r.Total.OrphanClicks > 0 {
		fmt.Fprintf(w, "\nclicks without an impression of their ad (left out of CTR): %d\n", r.Total.OrphanClicks)
	}
	writeLifts(w, r, conf)
	writeAdjusted(w, r.Adjusted, conf)
	writeIncremental(w, r.Incremental, conf)
	if err := writeGuardrails(w, r.Guardrails, conf); err != nil {
		return err
	}
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
	fmt.Fprintf(w, "\nlift of treatment over holdout: always-valid %s confidence sequence (CS) and mSPRT p over looks every %s, which agree "+
		"(the CS excludes 0 exactly when p < %.3g); the fixed-horizon interval holds only for a single look fixed in advance\n", conf, r.LookEvery, 1-r.Confidence)
	for _, l := range []LiftResult{r.CTRLift, r.ConversionLift} {
		writeLift(w, l)
	}
	if len(r.ArmLifts) > 0 {
		fmt.Fprintf(w, "\nper-arm CTR lift (%d comparisons: CSs simultaneous at %s by Bonferroni, p-values Holm-adjusted)\n", len(r.ArmLifts), conf)
		if !slices.ContainsFunc(r.ArmLifts, func(l LiftResult) bool { return l.Control != schemas.GroupHoldout }) {
			fmt.Fprintln(w, "  (the treatment has no baseline arm, so each arm is compared with the holdout only)")
		}
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
		fmt.Fprintf(w, "  %-28s %s %.4f (%d shoppers)  %s %.4f (%d shoppers)  lift %+.1f%%  CS %s  p=%s%s (%d looks)  fixed-horizon [%+.1f%%, %+.1f%%]\n",
			name, l.Treatment, x.Treatment.Value, x.Treatment.Units, l.Control, x.Control.Value, x.Control.Units,
			100*x.Relative, csText(*l.CS, l.CSEmpty), pText(l.PValue), holmText(l), l.Looks, 100*x.CI.Lo, 100*x.CI.Hi)
	default:
		fmt.Fprintf(w, "  %-28s relative lift n/a: %s\n", name, l.Error)
	}
	if d := l.Diff; d != nil {
		fmt.Fprintf(w, "  %-28s absolute difference %+.4f  CS [%+.4f, %+.4f]  p=%s  fixed-horizon [%+.4f, %+.4f]\n",
			"", d.Value, d.CS.Lo, d.CS.Hi, pText(d.PValue), d.CI.Lo, d.CI.Hi)
	}
	if l.TauFrom != "" {
		fmt.Fprintf(w, "  %-28s mSPRT mixing sd %.3g on log(ratio), from %s\n", "", l.Tau, l.TauFrom)
	}
	if p := l.Power; p != nil && l.Treatment == schemas.GroupTreatment {
		fmt.Fprintf(w, "  %-28s %s\n", "", powerText(*p))
	}
}

// powerText says what the traffic so far can detect and how long the target lift would take.
func powerText(p Power) string {
	s := fmt.Sprintf("80%% power at %d shoppers: detects a lift of %+.1f%% (always-valid; %+.1f%% fixed-horizon)",
		p.Shoppers, 100*p.AlwaysValidMDE, 100*p.MDE)
	if p.TargetLift > 0 {
		s += fmt.Sprintf("; %+.0f%% needs about %.0f shoppers (%.0f fixed-horizon)", 100*p.TargetLift, p.ShoppersNeeded, p.FixedShoppers)
		if p.TimeToDetect >= 0 {
			s += fmt.Sprintf(", %s more at %.0f shoppers/day", hoursText(p.TimeToDetect), p.ShoppersPerDay)
		}
	}
	return s
}

// hoursText formats a duration in hours, in days when long.
func hoursText(h float64) string {
	switch {
	case h == 0:
		return "no time"
	case h > 72:
		return fmt.Sprintf("%.1f days", h/24)
	}
	return fmt.Sprintf("%.1f hours", h)
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
	return ", Holm p=" + pText(l.HolmP)
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

// writeFailures writes the failed events by the stage that dead-lettered them, then by kind.
func writeFailures(w io.Writer, failures Failures) error {
	fmt.Fprintln(w)
	if len(failures) == 0 {
		_, err := fmt.Fprintln(w, "failed events: none")
		return err
	}
	fmt.Fprintln(w, "failed events (clickstream.dlq), each the verdict of the stage named, by kind:")
	for _, stage := range slices.Sorted(maps.Keys(failures)) {
		fmt.Fprintf(w, "  %s: %d\n", stageName(stage), failures.Stage(stage))
		for _, k := range slices.Sorted(maps.Keys(failures[stage])) {
			fmt.Fprintf(w, "    %-24s %d\n", k, failures[stage][k])
		}
	}
	return nil
}

// stageName names the stage of a dead letter; rows written before failed_events had a stage
// have none.
func stageName(stage string) string {
	if stage == "" {
		return "unknown stage"
	}
	return stage
}

func writeRows(w io.Writer, rows []Row, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	priced := r.CostPer1kTokens > 0
	head := "\tads\timpressions\tclicks\tCTR\tinterval\tcredited conv click\tcredited conv view\tCVR\tinterval\trevenue\ttokens\t"
	if priced {
		head += "cost/click\tcost/conv\t"
	}
	fmt.Fprintln(tw, head)
	for _, x := range rows {
		ctr, ctrCI := rateText(x.CTR, x.CTRCI, x.Impressions, 2)
		cvr, cvrCI := rateText(x.CVR, x.CVRCI, x.Clicks, 1)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%d\t",
			x.Key, x.Ads, x.Impressions, x.Clicks, ctr, ctrCI, x.ClickConversions, x.ViewConversions, cvr, cvrCI, money(x.Revenue), x.Tokens)
		if priced {
			fmt.Fprintf(tw, "%s\t%s\t", costText(x.CostPerClick, x.Clicks, r.CostCurrency), costText(x.CostPerConversion, x.Conversions, r.CostCurrency))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
