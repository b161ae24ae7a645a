package evaluation

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// SimulatedDelivery describes the demo's simulated delivery system: what the report tells a
// reader whose outcomes it made up.
type SimulatedDelivery struct {
	ViewRate    float64            `json:"view_rate"`
	ClickRate   map[string]float64 `json:"click_rate"` // per arm
	ConvertRate float64            `json:"convert_rate"`
}

// Simulated is the banner of a report whose impressions came, in part or all, from the
// simulated delivery.
type Simulated struct {
	Impressions uint64             `json:"impressions"` // made up by the simulated delivery
	Of          uint64             `json:"of"`          // all impressions
	Delivery    *SimulatedDelivery `json:"delivery,omitempty"`
	Text        string             `json:"text"`
}

// simulated is the banner when some impressions are simulated, nil otherwise.
func simulated(d Data, o Options) *Simulated {
	if d.SimulatedImpressions == 0 {
		return nil
	}
	s := &Simulated{Impressions: d.SimulatedImpressions, Of: d.Impressions, Delivery: o.Delivery}
	s.Text = fmt.Sprintf("SIMULATED OUTCOMES: %d of %d impressions (and the clicks and orders after them) were made up by the demo's "+
		"simulated delivery, not by shoppers.", s.Impressions, s.Of)
	if dl := o.Delivery; dl != nil {
		var rates []string
		for _, arm := range slices.Sorted(maps.Keys(dl.ClickRate)) {
			rates = append(rates, fmt.Sprintf("%s %.0f%%", arm, 100*dl.ClickRate[arm]))
		}
		s.Text += fmt.Sprintf(" It shows %.0f%% of ads, clicks at fixed rates per arm (%s) and orders after %.0f%% of clicks: "+
			"every lift below is built into those settings and says nothing about real shoppers.", 100*dl.ViewRate, strings.Join(rates, ", "), 100*dl.ConvertRate)
	} else {
		s.Text += " Its click rates per arm are fixed settings: every lift below is built into them and says nothing about real shoppers."
	}
	return s
}

// summary is the report's first paragraph: what the numbers say, in plain words.
func summary(r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d ads were shown %d times and clicked %d times.", r.Total.Ads, r.Total.Impressions, r.Total.Clicks)
	l := r.CTRLift
	switch {
	case l.Lift == nil || l.CS == nil:
		fmt.Fprintf(&b, " No lift can be measured yet (%s).", l.Error)
		if d := l.Diff; d != nil {
			fmt.Fprintf(&b, " Treated shoppers' click rate minus the holdout's is %+.2f points (always-valid %s range %+.2f to %+.2f).",
				100*d.Value, pctOf(r.Confidence), 100*d.CS.Lo, 100*d.CS.Hi)
		}
	default:
		x := l.Lift
		fmt.Fprintf(&b, " Shoppers who got adshift's ads clicked %.2f%% of them; held-out shoppers, who got the baseline ad, %.2f%%.",
			100*x.Treatment.Value, 100*x.Control.Value)
		switch {
		case l.CSEmpty: // it excludes 0, so p < α, but it excludes every other lift too: no range to quote
			b.WriteString(" The looks disagree: no lift fits them all (the always-valid sequence is empty), which points to drift, such as a " +
				"novelty effect wearing off, or to a broken assumption; no conclusion holds until that is explained.")
		case l.PValue < l.Alpha:
			verb := "raise"
			if x.Relative < 0 {
				verb = "lower"
			}
			fmt.Fprintf(&b, " The ads %s the click rate by about %.0f%% (%s sure the change is between %s and %s), and that stays true "+
				"however often this report is read.", verb, math.Abs(100*x.Relative), pctOf(r.Confidence), signedPct(l.CS.Lo), signedPct(l.CS.Hi))
		default:
			fmt.Fprintf(&b, " That is no reliable difference yet: the lift could be anywhere from %s to %s.", signedPct(l.CS.Lo), signedPct(l.CS.Hi))
			if p := l.Power; p != nil && p.TargetLift > 0 {
				fmt.Fprintf(&b, " A real %+.0f%% lift would show after about %.0f shoppers", 100*p.TargetLift, p.ShoppersNeeded)
				if p.TimeToDetect > 0 {
					fmt.Fprintf(&b, ", %s more at the current rate", hoursText(p.TimeToDetect))
				}
				b.WriteString(".")
			}
		}
	}
	if in := r.Incremental; len(in) > 0 && in[0].CS != nil {
		fmt.Fprintf(&b, " Of the %.0f conversions credited to the ads, about %.1f would have happened anyway at the holdout's rate: "+
			"the ads added %+.1f (always-valid %s range %+.1f to %+.1f).", in[0].Credited, in[0].Expected, in[0].Value, pctOf(r.Confidence), in[0].CS.Lo, in[0].CS.Hi)
	}
	if r.SampleRatio.Mismatch {
		b.WriteString(" But the groups are not the sizes the assignment promises (sample ratio mismatch), so none of this can be trusted until that is explained.")
	}
	if r.Simulated != nil {
		b.WriteString(" These outcomes come from the simulated delivery, so the lift measures its settings, not shoppers.")
	}
	return b.String()
}

func pctOf(c float64) string { return fmt.Sprintf("%g%%", 100*c) }
