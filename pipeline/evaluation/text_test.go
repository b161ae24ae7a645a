package evaluation

import (
	"math"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// holdoutOnly is the fixture with its treatment shoppers' activity gone: no lift, no arm.
func holdoutOnly() Data {
	d := fixture()
	var held []Activity
	for _, a := range d.Activity {
		if a.Group == schemas.GroupHoldout {
			held = append(held, a)
		}
	}
	d.Activity = held
	return d
}

// Each section of the text appears exactly when it has something to say, and says it in full.
func TestTextSectionsShowWhenTheyApply(t *testing.T) {
	withOrphans := func(n uint64) Data {
		d := fixture()
		d.Cells[0].OrphanClicks = n
		return d
	}
	unknownStage := fixture()
	unknownStage.Failures = Failures{"": {"no_stage": 4}, "features": {"malformed_json": 2}}
	o90 := opts
	o90.Confidence = 0.9
	for _, c := range []struct {
		name      string
		d         Data
		o         Options
		want, not []string
	}{
		{name: "the fixture", d: fixture(), o: opts, want: []string{
			"per-arm CTR lift (1 comparisons: CSs simultaneous at 95% by Bonferroni, p-values Holm-adjusted)\n" +
				"  (the treatment has no baseline arm, so each arm is compared with the holdout only)\n",
			// 67 shoppers a side in the first hour, 133 or more by the second: that look sets τ.
			"mSPRT mixing sd 0.0285 on log(ratio), from planned_shoppers 400, with the variance at 267 shoppers (look 2019-10-01T02:00:00Z)\n",
			"(the CS excludes 0 exactly when p < 0.05)",
			"clicks without an impression of their ad (left out of CTR): 3\n",
			"  features: 2\n    malformed_json           2\n",
			// Without shoppers' totals CUPED has nothing to work on, and says so per metric.
			"  ctr                        n/a: too few units for a variance\n" +
				"  conversions per shopper    n/a: too few units for a variance\n",
		}, not: []string{"unknown stage"}},
		{name: "no treatment shoppers", d: holdoutOnly(), o: opts,
			want: []string{"ctr                          relative lift n/a: treatment: "},
			not:  []string{"per-arm CTR lift", "no baseline arm", "mSPRT mixing sd"}},
		{name: "one orphan click", d: withOrphans(1), o: opts,
			want: []string{"clicks without an impression of their ad (left out of CTR): 1\n"}},
		{name: "no orphan clicks", d: withOrphans(0), o: opts, not: []string{"clicks without an impression"}},
		{name: "90% intervals", d: fixture(), o: o90, want: []string{"(the CS excludes 0 exactly when p < 0.1)"}},
		{name: "a dead letter without a stage", d: unknownStage, o: opts,
			want: []string{"  unknown stage: 4\n    no_stage                 4\n  features: 2\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := textOf(t, build(t, c.d, c.o))
			for _, want := range c.want {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			for _, not := range c.not {
				if strings.Contains(text, not) {
					t.Errorf("text has %q:\n%s", not, text)
				}
			}
		})
	}
}

// A p-value Holm-adjusted within a family shows its adjusted value; one that is its own family
// shows none.
func TestHolmText(t *testing.T) {
	f := func(p, holm float64, want string) {
		t.Helper()
		if got := holmText(LiftResult{PValue: p, HolmP: holm}); got != want {
			t.Errorf("holmText(p %v, Holm %v) = %q, want %q", p, holm, got, want)
		}
	}
	f(0.01, 0.03, ", Holm p=0.03")
	f(0.00001, 0.00004, ", Holm p=<0.0001")
	f(0.2, 0.2, "")
}

// An unbounded side of an interval reads as ±Inf, not as a percentage of infinity.
func TestSignedPct(t *testing.T) {
	f := func(x float64, want string) {
		t.Helper()
		if got := signedPct(x); got != want {
			t.Errorf("signedPct(%v) = %q, want %q", x, got, want)
		}
	}
	f(0.1234, "+12.3%")
	f(-0.05, "-5.0%")
	f(math.Inf(1), "+Inf")
	f(math.Inf(-1), "-Inf")
}

// Not tested: writeGuardrails' tabwriter flags of 0 against FilterHTML (1) only differ for a
// cell holding '<' or '&', and no guardrail name or figure does (the names are the package's own,
// generator kinds are llm, template or cache, and the figures are numbers).

// The off-policy table's columns, right-aligned two spaces apart: "always trend" took 1000 of
// the 2000 treatment ads at propensity 0.5 and 100 were clicked, an IPS of (100/0.5)/2000 = 0.1.
func TestOffPolicyTable(t *testing.T) {
	text := textOf(t, build(t, fixture(), opts))
	for _, want := range []string{
		"\n        policy     IPS          interval   SNIPS          interval  matched    of  effective n\n",
		"\n  always trend  0.1000  [0.0809, 0.1191]  0.1000  [0.0814, 0.1186]     1000  2000         1000\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
