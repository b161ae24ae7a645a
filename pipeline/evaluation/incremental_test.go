package evaluation

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// The incremental conversions are the treatment's credited conversions less the holdout's rate
// per shopper times the treated shoppers, recomputed here from the shoppers themselves.
func TestIncrementalConversionsAgainstTheHoldoutsRate(t *testing.T) {
	d := withShoppers(fixture())
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	var ct, cc []float64
	for _, s := range d.Shoppers {
		switch {
		case s.Impressions == 0: // never shown an ad: neither credited nor counted
		case s.Group == schemas.GroupTreatment:
			ct = append(ct, float64(s.Conversions))
		default:
			cc = append(cc, float64(s.Conversions))
		}
	}
	mean := func(xs []float64) (m, v float64) {
		for _, x := range xs {
			m += x
		}
		m /= float64(len(xs))
		for _, x := range xs {
			v += (x - m) * (x - m) / float64(len(xs)*len(xs))
		}
		return m, v
	}
	mt, vt := mean(ct)
	mc, vc := mean(cc)
	n := float64(len(ct))
	half := 1.959963984540054 * n * math.Sqrt(vt+vc)
	in := r.Incremental[0]
	if in.Metric != "conversions" || in.Shoppers != len(ct) || math.Abs(in.Credited-n*mt) > 1e-9 || in.HoldoutRate != mc ||
		math.Abs(in.Expected-n*mc) > 1e-9 || math.Abs(in.Value-n*(mt-mc)) > 1e-9 {
		t.Fatalf("incremental %+v; want %g credited, %g expected", in, n*mt, n*mc)
	}
	if math.Abs(in.CI.Lo-(in.Value-half)) > 1e-9 || math.Abs(in.CI.Hi-(in.Value+half)) > 1e-9 || in.CS.Lo > in.CI.Lo || in.CS.Hi < in.CI.Hi {
		t.Errorf("intervals %v %v; want fixed-horizon %g ± %g inside the always-valid one", *in.CI, *in.CS, in.Value, half)
	}
	// Always valid with as many shoppers as planned: 3.0352 standard errors, 1.5486 times the
	// fixed-horizon half-width (see TestCUPEDAlwaysValidIntervalByHand).
	if math.Abs(in.CS.Lo-(in.Value-1.5486*half)) > 1e-3 || math.Abs(in.CS.Hi-(in.Value+1.5486*half)) > 1e-3 {
		t.Errorf("always-valid %v; want %g ± %g", *in.CS, in.Value, 1.5486*half)
	}
	// The credited count (300) is not what the ads caused (+100): the reader is told both.
	if in.Credited == in.Value || !strings.Contains(r.Summary, "the ads added +100.0") {
		t.Errorf("summary %q", r.Summary)
	}
	var text, html bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"300.0 credited to 200 treated shoppers, 200.0 expected at the holdout's 1 per shopper: incremental +100.0", "revenue (USD)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if !strings.Contains(html.String(), `<table id="incremental">`) || !strings.Contains(html.String(), "<td>+100.0</td>") {
		t.Error("the HTML page lacks the incremental conversions")
	}
}

// Without a holdout there is no comparable rate, and the report says so instead of passing the
// credited count off as a result.
func TestIncrementalWithoutAHoldout(t *testing.T) {
	d := withShoppers(fixture())
	var treated []Shopper
	for _, s := range d.Shoppers {
		if s.Group == schemas.GroupTreatment {
			treated = append(treated, s)
		}
	}
	d.Shoppers = treated
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	in := r.Incremental[0]
	if in.CI != nil || in.Value != 0 || !strings.HasPrefix(in.Note, "n/a: ") || strings.Contains(r.Summary, "the ads added") {
		t.Errorf("incremental %+v, summary %q", in, r.Summary)
	}
}
