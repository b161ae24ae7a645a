package simulation

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// TestResultAddsUp checks one run's figures against each other: totals against the arms' rows,
// rates against their counts, buckets against the treatment's impressions, and the text against
// the result.
func TestResultAddsUp(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Format, cfg.File, cfg.Seed, cfg.Effects = "rees46", rees46, 1, map[string]float64{"personal": 1.5}
	r, rows, err := RunRows(t.Context(), cfg, read(t, cfg.Format, cfg.File))
	if err != nil {
		t.Fatal(err)
	}
	// The rows are those the result was measured from: as many impressions, clicks and ads.
	seen := map[string]bool{}
	kinds := map[string]int{}
	for _, e := range rows.Events {
		if !seen[e.EventID] {
			seen[e.EventID] = true
			kinds[e.Kind]++
		}
	}
	if kinds[schemas.Impression] != r.Impressions || kinds[schemas.Click] != r.Clicks || len(rows.Ads) != r.Ads {
		t.Errorf("rows of %d impressions, %d clicks, %d ads; result %d, %d, %d", kinds[schemas.Impression], kinds[schemas.Click], len(rows.Ads),
			r.Impressions, r.Clicks, r.Ads)
	}
	var imps, clicks, convs, attributed, treated uint64
	for _, a := range r.Arms {
		imps, clicks, convs, attributed = imps+a.Impressions, clicks+a.Clicks, convs+a.Conversions, attributed+a.Attributed
		if a.Group == "treatment" {
			treated += a.Impressions
		}
		if a.Impressions == 0 {
			continue
		}
		// The true CTR is a mean click probability: between the lowest base probability and
		// the highest times the largest effect.
		if a.CTR != float64(a.Clicks)/float64(a.Impressions) || a.CI != stats.Wilson(a.Clicks, a.Impressions, 0.95) ||
			!(a.TrueCTR >= 0.01 && a.TrueCTR <= 0.25*1.5) || a.Conversions > a.Clicks || a.Attributed > a.Impressions {
			t.Errorf("arm %+v", a)
		}
	}
	if r.Impressions != int(imps) || r.Clicks != int(clicks) || r.Conversions != int(convs) || r.Attributed != int(attributed) ||
		convs == 0 || attributed == 0 {
		t.Errorf("totals %d %d %d %d, arms sum to %d %d %d %d", r.Impressions, r.Clicks, r.Conversions, r.Attributed, imps, clicks, convs, attributed)
	}
	if r.BestArm != "personal" || r.Policy != strategy.ChooseThompson {
		t.Errorf("best arm %s, policy %s", r.BestArm, r.Policy)
	}
	// Buckets: ten equal parts of the treatment's impressions, in event-time order.
	var inBuckets int
	var end time.Time
	var regret float64
	for i, b := range r.Buckets {
		inBuckets += b.Impressions
		var share float64
		for _, s := range b.Shares {
			share += s
		}
		if math.Abs(share-1) > 1e-9 || b.End.Before(end) || b.Regret < regret ||
			b.Impressions < int(treated)/10 || b.Impressions > int(treated)/10+1 {
			t.Errorf("bucket %d: %+v (shares sum to %v)", i, b, share)
		}
		end, regret = b.End, b.Regret
	}
	if len(r.Buckets) != 10 || inBuckets != int(treated) || regret <= 0 || r.Buckets[9].UniformRegret <= regret {
		t.Errorf("%d buckets of %d impressions, %d treated; regret %v", len(r.Buckets), inBuckets, treated, regret)
	}
	if r.Lift.Error != "" || r.Lift.Covered != r.Lift.Measured.CI.Contains(r.Lift.True) || !(r.Lift.True > 0 && r.Lift.True < 0.5) {
		t.Errorf("lift %+v", r.Lift)
	}

	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	covered := "no"
	if r.Lift.Covered {
		covered = "yes"
	}
	l, last := r.Lift, r.Buckets[len(r.Buckets)-1]
	for _, want := range []string{
		"arm effects (truth): personal=1.5, others 1; best arm personal\n",
		fmt.Sprintf("  measured %+.1f%% [%+.1f%%, %+.1f%%]  (treatment %.2f%% over %d shoppers, holdout %.2f%% over %d)",
			100*l.Measured.Relative, 100*l.Measured.CI.Lo, 100*l.Measured.CI.Hi,
			100*l.Measured.Treatment.Value, l.Measured.Treatment.Units, 100*l.Measured.Control.Value, l.Measured.Control.Units),
		fmt.Sprintf("  true     %+.1f%%", 100*l.True), "covered: " + covered + "\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// A table row: its cells in order, however wide the columns.
	row := func(cells ...any) {
		t.Helper()
		var re []string
		for _, c := range cells {
			re = append(re, regexp.QuoteMeta(fmt.Sprint(c)))
		}
		if !regexp.MustCompile(`(?m)^\s*` + strings.Join(re, `\s+`) + `\s*$`).MatchString(text) {
			t.Errorf("text lacks the row %v:\n%s", cells, text)
		}
	}
	for _, a := range r.Arms {
		row(a.Arm, a.Group, a.Impressions, a.Clicks, fmt.Sprintf("%.2f%%", 100*a.CTR), fmt.Sprintf("[%.2f%%,", 100*a.CI.Lo),
			fmt.Sprintf("%.2f%%]", 100*a.CI.Hi), fmt.Sprintf("%.2f%%", 100*a.TrueCTR), a.Conversions, a.Attributed)
	}
	cells := []any{10, last.End.UTC().Format("2006-01-02"), last.End.UTC().Format("15:04"), last.Impressions,
		fmt.Sprintf("%.2f", last.Regret), fmt.Sprintf("%.2f", last.UniformRegret), fmt.Sprintf("%.2f", last.Regret/last.UniformRegret)}
	for _, arm := range slices.Sorted(maps.Keys(last.Shares)) {
		cells = append(cells, fmt.Sprintf("%.0f%%", 100*last.Shares[arm]))
	}
	row(cells...)
}

func TestTextWithoutEffects(t *testing.T) {
	var b bytes.Buffer
	one := []Bucket{{Impressions: 3, Shares: map[string]float64{"personal": 1}}}
	if err := WriteText(&b, Result{BestArm: "baseline", Buckets: one, Lift: LiftResult{Error: "no holdout", True: 0.125}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"arm effects (truth): none, others 1; best arm baseline\n", "measured: not available (no holdout); true +12.5%\n",
		"ratio  personal", "-      100%"} { // one bucket: its arm's share, no ratio without uniform regret
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
