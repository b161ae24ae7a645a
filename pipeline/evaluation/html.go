package evaluation

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
)

// WriteHTML writes the report as one self-contained HTML page: tables and inline SVG charts, no
// scripts, no external resources.
func WriteHTML(w io.Writer, r Report) error {
	return page.Execute(w, struct {
		R         Report
		Tables    []table
		CTRChart  template.HTML
		LiftChart template.HTML
		LiftBars  template.HTML
		Lifts     []LiftResult
		Mismatch  string
	}{
		R:        r,
		Mismatch: mismatchWarning(r.SampleRatio),
		Lifts:    []LiftResult{r.CTRLift, r.ConversionLift},
		Tables: []table{tableOf("By arm", r.ByArm, r), tableOf("By segment (most impressions first)", r.BySegment, r),
			tableOf("By generator", r.ByGenerator, r), tableOf("By group", r.ByGroup, r)},
		CTRChart:  ctrChart(r),
		LiftChart: liftChart(r),
		LiftBars:  liftBars(r),
	})
}

type table struct {
	Title string
	Rows  []htmlRow // the total last
}

// htmlRow is a row with what its cells need to know of the report.
type htmlRow struct {
	Row
	Priced       bool // a model price is set: cost columns are shown
	CostCurrency string
}

func tableOf(title string, rows []Row, r Report) table {
	t := table{Title: title}
	for _, x := range append(slices.Clip(rows), r.Total) {
		t.Rows = append(t.Rows, htmlRow{Row: x, Priced: r.CostPer1kTokens > 0, CostCurrency: r.CostCurrency})
	}
	return t
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":   func(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) },
	"spct":  func(x float64) string { return fmt.Sprintf("%+.1f%%", 100*x) },
	"f2":    func(x float64) string { return fmt.Sprintf("%.2f", x) },
	"f4":    func(x float64) string { return fmt.Sprintf("%.4f", x) },
	"p":     func(x float64) string { return fmt.Sprintf("%.4g", x) },
	"conf":  func(x float64) string { return fmt.Sprintf("%g%%", 100*x) },
	"alpha": func(c float64) string { return fmt.Sprintf("%.3g", 1-c) },
	"cs": func(l LiftResult) string {
		if l.CS == nil {
			return "n/a"
		}
		return csText(*l.CS, l.CSEmpty)
	},
	"rate": func(x float64, ci stats.Interval, den uint64, digits int) template.HTML {
		v, i := rateText(x, ci, den, digits)
		if i == "" {
			return template.HTML(v)
		}
		return template.HTML(template.HTMLEscapeString(v) + ` <span class="ci">` + template.HTMLEscapeString(i) + `</span>`)
	},
	"money":          money,
	"g4":             func(x float64) string { return fmt.Sprintf("%.4g", x) },
	"f1":             func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"sf1":            func(x float64) template.HTML { return template.HTML(fmt.Sprintf("%+.1f", x)) }, // a number: nothing to escape
	"mul100":         func(x float64) float64 { return 100 * x },
	"deref":          func(x *float64) float64 { return *x },
	"cupedCovariate": func() string { return CUPEDCovariate },
	"power":          powerText,
	"cost":           costText,
}).Parse(`{{define "row"}}<tr{{if eq .Key "total"}} class="total"{{end}}><td>{{.Key}}</td><td>{{.Ads}}</td><td>{{.Impressions}}</td><td>{{.Clicks}}</td>
<td>{{rate .CTR .CTRCI .Impressions 2}}</td><td>{{.ClickConversions}}</td><td>{{.ViewConversions}}</td>
<td>{{rate .CVR .CVRCI .Clicks 1}}</td><td>{{money .Revenue}}</td><td>{{.Tokens}}</td>{{if .Priced}}<td>{{cost .CostPerClick .Clicks .CostCurrency}}</td><td>{{cost .CostPerConversion .Conversions .CostCurrency}}</td>{{end}}</tr>
{{end}}{{define "lift"}}{{if and .Lift .CS}}<tr><td>{{.Treatment}} vs {{.Control}}: {{.Metric}}</td><td>{{f4 .Lift.Treatment.Value}} <span class="ci">{{.Lift.Treatment.Units}} shoppers</span></td>
<td>{{f4 .Lift.Control.Value}} <span class="ci">{{.Lift.Control.Units}} shoppers</span></td><td>{{spct .Lift.Relative}}</td>
<td>{{cs .}}</td><td>{{p .PValue}}{{if ne .HolmP .PValue}} <span class="ci">Holm {{p .HolmP}}</span>{{end}}</td><td>{{.Looks}}</td>
<td class="ci">[{{spct .Lift.CI.Lo}}, {{spct .Lift.CI.Hi}}]</td>
<td>{{with .Diff}}{{f4 .Value}} <span class="ci">[{{f4 .CS.Lo}}, {{f4 .CS.Hi}}]</span>{{end}}</td></tr>
{{else}}<tr><td>{{.Treatment}} vs {{.Control}}: {{.Metric}}</td><td colspan="7" class="ci">relative lift n/a: {{.Error}}</td>
<td>{{with .Diff}}{{f4 .Value}} <span class="ci">[{{f4 .CS.Lo}}, {{f4 .CS.Hi}}]</span>{{else}}n/a{{end}}</td></tr>{{end}}{{end}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>adshift report — {{.R.Database}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1400px;color:#1d2330;padding:0 16px}
.wide{overflow-x:auto}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.note{color:#5b6475;font-size:13px}
table{border-collapse:collapse;margin:6px 0 4px;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;text-align:right;border-bottom:1px solid #e3e6ec;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f4f6f9;font-weight:600}
tr.total td{font-weight:600;border-top:2px solid #b9c0cc}
.ci{color:#6b7385;font-size:12px}
.alert{background:#fde8e8;border:2px solid #c81e1e;color:#7a1010;font-weight:600;padding:10px 14px;border-radius:6px;margin:10px 0}
tr.failed td{color:#c81e1e;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:18px}
figure{margin:0;border:1px solid #e3e6ec;border-radius:6px;padding:8px}
figcaption{font-size:13px;color:#3b4354;margin-bottom:4px}
</style></head><body>
<h1>adshift report</h1>
{{with .R.Simulated}}<div class="alert" id="simulated-banner">{{.Text}}</div>{{end}}
{{if .R.SampleRatio.Mismatch}}<div class="alert" id="srm-warning">{{.Mismatch}}</div>{{end}}
<p id="summary"><b>What this says.</b> {{.R.Summary}}</p>
<div class="note">ClickHouse database <b>{{.R.Database}}</b>. Counts are of distinct ids: duplicates and redeliveries never count twice.
Intervals are {{conf .R.Confidence}}: Wilson for rates; the delta method over shoppers for lift.</div>

<h2>Sample ratio</h2>
<table><tr><th>check</th><th>observed</th><th>expected</th><th>of</th><th>chi-square</th><th>p</th><th>verdict</th></tr>
{{range .R.SampleRatio.Checks}}{{if and .Error (not .Failed)}}<tr><td>{{.Name}}</td><td colspan="6" class="ci">n/a: {{.Error}}</td></tr>
{{else}}<tr{{if .Failed}} class="failed"{{end}}><td>{{.Name}}</td><td>{{f2 .Observed}}</td><td>{{f2 .Expected}}</td><td>{{.Of}}</td>
<td>{{p .ChiSquare}}</td><td>{{p .PValue}}</td><td>{{if .Failed}}FAILED{{else}}ok{{end}}</td></tr>{{end}}{{end}}
</table>
<div class="note">Chi-square tests with one degree of freedom, failing below p = {{.R.SampleRatio.Alpha}}: the holdout's share of
the shoppers shown an ad against the configured share; each arm's shown treatment ads weighted by 1/propensity against all
treatment ads shown (p Bonferroni-adjusted over the arms).</div>

<h2>Lift of treatment over holdout</h2>
<div class="note">The always-valid {{conf .R.Confidence}} confidence sequence (CS) and the mSPRT p-value come from one test over looks every {{.R.LookEvery}}:
the CS excludes 0 exactly when p &lt; {{alpha .R.Confidence}}, however often this page is read. The fixed-horizon interval holds only for a
single look fixed in advance.</div>
<div class="wide"><table><tr><th>metric</th><th>treatment</th><th>holdout</th><th>lift</th><th>always-valid CS</th><th>always-valid p (mSPRT)</th><th>looks</th><th>fixed-horizon interval</th><th>difference (CS)</th></tr>
{{range .Lifts}}{{template "lift" .}}{{end}}
</table></div>
{{if .R.ArmLifts}}<h2>Per-arm CTR lift</h2>
<div class="note">Each treatment arm against the holdout, and against the treatment's baseline arm when it has one: {{len .R.ArmLifts}} comparisons, their confidence
sequences simultaneous at {{conf .R.Confidence}} (Bonferroni), their always-valid p-values Holm-adjusted.</div>
<div class="wide"><table><tr><th>arm vs</th><th>arm</th><th>control</th><th>lift</th><th>always-valid CS</th><th>always-valid p (Holm)</th><th>looks</th><th>fixed-horizon interval</th><th>difference (CS)</th></tr>
{{range .R.ArmLifts}}{{template "lift" .}}{{end}}
</table></div>{{end}}
{{range .Lifts}}{{if .TauFrom}}<div class="note">{{.Metric}}: mSPRT mixing sd {{p .Tau}} on log(ratio), from {{.TauFrom}}.{{with .Power}} Power: {{power .}}.{{end}}</div>{{end}}{{end}}

{{if .R.Adjusted}}<h2>Variance reduction (CUPED)</h2>
<div class="note">Covariate: {{cupedCovariate}}. Treatment − holdout, {{conf .R.Confidence}} intervals.</div>
<table><tr><th>metric</th><th>difference</th><th>adjusted interval</th><th>always-valid</th><th>unadjusted interval</th><th>variance reduced</th><th>θ</th><th>shoppers</th></tr>
{{range .R.Adjusted}}{{if .Error}}<tr><td>{{.Metric}}</td><td colspan="7" class="ci">n/a: {{.Error}}</td></tr>{{else}}<tr><td>{{.Metric}}</td><td>{{g4 .Diff}}</td>
<td class="ci">[{{g4 .CI.Lo}}, {{g4 .CI.Hi}}]</td><td class="ci">[{{g4 .CS.Lo}}, {{g4 .CS.Hi}}]</td><td class="ci">[{{g4 .RawCI.Lo}}, {{g4 .RawCI.Hi}}]</td>
<td>{{printf "%.1f%%" (mul100 .VarianceReduction)}}</td><td>{{g4 .Theta}}</td><td>{{.Shoppers}}</td></tr>{{end}}{{end}}
</table>{{end}}

<h2>Incremental outcomes</h2>
<div class="note">What the ads caused: the outcomes credited to the treated shoppers shown an ad, less what the holdout's rate per shopper predicts for as many.
A credited count alone also counts what shoppers would have done anyway. {{conf .R.Confidence}} intervals.</div>
<table id="incremental"><tr><th>outcome</th><th>credited</th><th>treated shoppers</th><th>holdout per shopper</th><th>expected without ads</th><th>incremental</th><th>fixed-horizon</th><th>always-valid</th></tr>
{{range .R.Incremental}}{{if .CI}}<tr><td>{{.Metric}}</td><td>{{f1 .Credited}}</td><td>{{.Shoppers}}</td><td>{{g4 .HoldoutRate}}</td><td>{{f1 .Expected}}</td><td>{{sf1 .Value}}</td>
<td class="ci">[{{sf1 .CI.Lo}}, {{sf1 .CI.Hi}}]</td><td class="ci">[{{sf1 .CS.Lo}}, {{sf1 .CS.Hi}}]</td></tr>
{{else}}<tr><td>{{.Metric}}</td><td>{{f1 .Credited}}</td><td>{{.Shoppers}}</td><td colspan="5" class="ci">{{.Note}}</td></tr>{{end}}{{end}}
</table>

<h2>Guardrails</h2>
<div class="wide"><table><tr><th>guardrail</th><th>treatment</th><th>of</th><th>holdout</th><th>difference</th><th>fixed-horizon</th><th>always-valid</th><th>note</th></tr>
{{range .R.Guardrails}}<tr><td>{{.Name}}</td><td>{{g4 .Value}} <span class="ci">[{{g4 .CI.Lo}}, {{g4 .CI.Hi}}]</span></td><td>{{.N}}</td>
{{if .Control}}<td>{{g4 (deref .Control)}}</td><td>{{g4 .Diff}}</td><td class="ci">[{{g4 .DiffCI.Lo}}, {{g4 .DiffCI.Hi}}]</td><td class="ci">[{{g4 .DiffCS.Lo}}, {{g4 .DiffCS.Hi}}]</td>{{else}}<td></td><td></td><td></td><td></td>{{end}}
<td class="ci">{{.Note}}</td></tr>{{end}}
</table></div>

<div class="charts">
<figure><figcaption>CTR by arm over time ({{.R.Bucket}}ly), with {{conf .R.Confidence}} Wilson bands</figcaption>{{.CTRChart}}</figure>
<figure><figcaption>Cumulative CTR lift of treatment over holdout at each look (every {{.R.LookEvery}}), with its always-valid {{conf .R.Confidence}} confidence sequence and p</figcaption>{{.LiftChart}}</figure>
<figure><figcaption>Lift with its always-valid {{conf .R.Confidence}} CS (thick) and fixed-horizon interval (thin)</figcaption>{{.LiftBars}}</figure>
</div>

{{range .Tables}}<h2>{{.Title}}</h2>
<div class="wide"><table><tr><th></th><th>ads</th><th>impressions</th><th>clicks</th><th>CTR</th><th>credited conv (click)</th><th>credited conv (view)</th><th>CVR</th><th>revenue</th><th>tokens</th>{{if $.R.CostPer1kTokens}}<th>cost/click</th><th>cost/conv</th>{{end}}</tr>
{{range .Rows}}{{template "row" .}}{{end}}</table></div>{{end}}
{{if .R.Total.OrphanClicks}}<div class="note">Clicks without an impression of their ad, left out of CTR: {{.R.Total.OrphanClicks}}.</div>{{end}}

<h2>Off-policy CTR of alternative policies</h2>
<div class="note">From the propensities logged on every treatment ad: inverse propensity scoring (IPS) and its self-normalised form (SNIPS).</div>
<table><tr><th>policy</th><th>IPS</th><th>SNIPS</th><th>matched</th><th>of</th><th>effective n</th></tr>
{{range .R.OffPolicy}}{{if .Error}}<tr><td>{{.Name}}</td><td colspan="5" class="ci">n/a: {{.Error}}</td></tr>{{else}}<tr><td>{{.Name}}</td>
<td>{{f4 .IPS}} <span class="ci">[{{f4 .IPSCI.Lo}}, {{f4 .IPSCI.Hi}}]</span></td><td>{{f4 .SNIPS}} <span class="ci">[{{f4 .SNIPSCI.Lo}}, {{f4 .SNIPSCI.Hi}}]</span></td>
<td>{{.Matched}}</td><td>{{.N}}</td><td>{{printf "%.0f" .EffectiveN}}</td></tr>{{end}}{{else}}<tr><td colspan="6" class="ci">no treatment ad shown yet</td></tr>{{end}}
</table>

<h2>Failed events</h2>
{{if .R.Failures}}<div class="note">each the verdict of the stage named, never subtracted from another stage's counts</div>
<table><tr><th>stage</th><th>kind</th><th>count</th></tr>{{range $s, $kinds := .R.Failures}}{{range $k, $v := $kinds}}<tr><td>{{if $s}}{{$s}}{{else}}unknown stage{{end}}</td><td>{{$k}}</td><td>{{$v}}</td></tr>{{end}}{{end}}</table>{{else}}<div class="note">none</div>{{end}}
</body></html>
`))

var palette = []string{"#2f6fde", "#e0662b", "#2a9d63", "#a046c8", "#c9a21a", "#d03b5c", "#3aa6b9", "#6b7385"}

const (
	chartW, chartH             = 540, 300
	padL, padR, padT, padB     = 56, 110, 14, 40
	plotW, plotH               = chartW - padL - padR, chartH - padT - padB
	barW, barH, barPad, barRow = 540, 120, 170, 40
)

// scale maps a value in [lo, hi] to [a, b].
func scale(v, lo, hi, a, b float64) float64 {
	if hi == lo {
		return (a + b) / 2
	}
	return a + (v-lo)/(hi-lo)*(b-a)
}

type xy struct{ x, y float64 }

func pointsAttr(ps []xy) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", p.x, p.y)
	}
	return b.String()
}

// axes draws the frame, y ticks (formatted by yFmt) and the first and last x label.
func axes(b *strings.Builder, ylo, yhi float64, yFmt func(float64) string, t0, t1 time.Time, timeFmt string) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#fbfcfd" stroke="#c9ced8"/>`, padL, padT, plotW, plotH)
	for i := 0; i <= 4; i++ {
		v := ylo + (yhi-ylo)*float64(i)/4
		y := scale(v, ylo, yhi, padT+plotH, padT)
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e6e9ef"/>`, padL, padL+plotW, y, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#5b6475">%s</text>`, padL-6, y+4, yFmt(v))
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="11" fill="#5b6475">%s</text>`, padL, chartH-padB+18, t0.UTC().Format(timeFmt))
	if !t1.Equal(t0) {
		fmt.Fprintf(b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#5b6475">%s</text>`, padL+plotW, chartH-padB+18, t1.UTC().Format(timeFmt))
	}
}

func svgOpen(b *strings.Builder, w, h int, label string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s" font-family="system-ui,sans-serif">`,
		w, h, w, h, template.HTMLEscapeString(label))
}

func empty(label string) template.HTML {
	var b strings.Builder
	svgOpen(&b, chartW, chartH, label)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#6b7385">%s</text></svg>`, chartW/2, chartH/2, template.HTMLEscapeString(label))
	return template.HTML(b.String())
}

func timeFormat(r Report) string {
	if r.Bucket == "day" {
		return "2006-01-02"
	}
	return "2006-01-02 15:04"
}

// ctrChart draws each arm's CTR per bucket as a line with its interval as a band.
func ctrChart(r Report) template.HTML {
	if len(r.Series) == 0 {
		return empty("no impressions yet")
	}
	var arms []string
	t0, t1 := r.Series[0].At, r.Series[0].At
	yhi := 0.0
	for _, p := range r.Series {
		if !slices.Contains(arms, p.Arm) {
			arms = append(arms, p.Arm)
		}
		t0, t1 = minTime(t0, p.At), maxTime(t1, p.At)
		yhi = math.Max(yhi, p.CI.Hi)
	}
	slices.Sort(arms)
	yhi = math.Min(1, math.Max(yhi*1.05, 0.01))
	x := func(t time.Time) float64 {
		return scale(float64(t.Unix()), float64(t0.Unix()), float64(t1.Unix()), padL+12, padL+plotW-12)
	}
	y := func(v float64) float64 { return scale(v, 0, yhi, padT+plotH, padT) }
	var b strings.Builder
	svgOpen(&b, chartW, chartH, "CTR by arm over time")
	axes(&b, 0, yhi, func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }, t0, t1, timeFormat(r))
	for i, arm := range arms {
		color := palette[i%len(palette)]
		var line, hi, lo []xy
		for _, p := range r.Series {
			if p.Arm != arm || p.Impressions == 0 {
				continue
			}
			line = append(line, xy{x(p.At), y(p.CTR)})
			hi = append(hi, xy{x(p.At), y(p.CI.Hi)})
			lo = append(lo, xy{x(p.At), y(p.CI.Lo)})
		}
		if len(line) == 0 {
			continue
		}
		band := append(slices.Clone(hi), reversed(lo)...)
		fmt.Fprintf(&b, `<polygon points="%s" fill="%s" fill-opacity="0.13" stroke="none"/>`, pointsAttr(band), color)
		for j := range line {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-opacity="0.5"/>`, line[j].x, line[j].x, hi[j].y, lo[j].y, color)
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`, line[j].x, line[j].y, color)
		}
		if len(line) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.8"/>`, pointsAttr(line), color)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="12" fill="#1d2330">%s</text>`,
			padL+plotW+12, padT+6+i*18, color, padL+plotW+27, padT+15+i*18, template.HTMLEscapeString(arm))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// finite is x, or instead when x is infinite (an unbounded side of an interval, drawn to the edge).
func finite(x, instead float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return instead
	}
	return x
}

func reversed(ps []xy) []xy {
	out := slices.Clone(ps)
	slices.Reverse(out)
	return out
}

// liftChart draws the cumulative CTR lift at each look with its interval band and the zero line.
func liftChart(r Report) template.HTML {
	ps := r.LiftSeries
	if len(ps) == 0 {
		return empty("no lift yet: " + r.CTRLift.Error)
	}
	t0, t1 := ps[0].At, ps[len(ps)-1].At
	ylo, yhi := 0.0, 0.0
	for _, p := range ps {
		ylo, yhi = math.Min(ylo, finite(p.CS.Lo, p.CI.Lo)), math.Max(yhi, finite(p.CS.Hi, p.CI.Hi))
	}
	// The first looks' sequences are very wide; the frame fits the last one (the narrowest, an
	// intersection) three times over, and wider bands are cut at the frame.
	last := ps[len(ps)-1]
	yhi = math.Min(yhi, math.Max(0.5, 3*math.Max(math.Abs(finite(last.CS.Hi, 0)), math.Abs(last.Relative))))
	ylo = math.Max(ylo, math.Min(-1, -yhi))
	pad := 0.05 * (yhi - ylo)
	ylo, yhi = ylo-pad, yhi+pad
	x := func(t time.Time) float64 {
		return scale(float64(t.Unix()), float64(t0.Unix()), float64(t1.Unix()), padL+12, padL+plotW-12)
	}
	y := func(v float64) float64 { return scale(math.Max(ylo, math.Min(yhi, v)), ylo, yhi, padT+plotH, padT) }
	var b strings.Builder
	svgOpen(&b, chartW, chartH, "CTR lift over looks")
	axes(&b, ylo, yhi, func(v float64) string { return fmt.Sprintf("%+.0f%%", 100*v) }, t0, t1, timeFormat(r))
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#1d2330" stroke-dasharray="4 3"/>`, padL, padL+plotW, y(0), y(0))
	var line, hi, lo []xy
	for _, p := range ps {
		line = append(line, xy{x(p.At), y(p.Relative)})
		hi = append(hi, xy{x(p.At), y(finite(p.CS.Hi, yhi))})
		lo = append(lo, xy{x(p.At), y(finite(p.CS.Lo, ylo))})
	}
	color := palette[0]
	fmt.Fprintf(&b, `<polygon points="%s" fill="%s" fill-opacity="0.15"/>`, pointsAttr(append(slices.Clone(hi), reversed(lo)...)), color)
	for j := range line {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-opacity="0.6"/>`, line[j].x, line[j].x, hi[j].y, lo[j].y, color)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`, line[j].x, line[j].y, color)
	}
	if len(line) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.8"/>`, pointsAttr(line), color)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1d2330">lift %+.1f%%</text><text x="%d" y="%d" font-size="12" fill="#5b6475">p = %.3g</text>`,
		padL+plotW+8, padT+16, 100*last.Relative, padL+plotW+8, padT+34, last.PValue)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// liftBars draws each metric's final lift as a point with its interval on a shared axis.
func liftBars(r Report) template.HTML {
	var ls []LiftResult
	for _, l := range []LiftResult{r.CTRLift, r.ConversionLift} {
		if l.Lift != nil && l.CS != nil {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return empty("no lift yet")
	}
	lo, hi := 0.0, 0.0
	for _, l := range ls {
		lo, hi = math.Min(lo, math.Min(l.Lift.CI.Lo, finite(l.CS.Lo, 0))), math.Max(hi, math.Max(l.Lift.CI.Hi, finite(l.CS.Hi, 0)))
	}
	pad := 0.05 * (hi - lo)
	lo, hi = lo-pad, hi+pad
	h := barH + barRow*(len(ls)-1)
	x := func(v float64) float64 { return scale(v, lo, hi, barPad, barW-20) }
	var b strings.Builder
	svgOpen(&b, barW, h, "lift with interval")
	fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="10" y2="%d" stroke="#1d2330" stroke-dasharray="4 3"/>`, x(0), x(0), h-30)
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#5b6475">0</text>`, x(0), h-14)
	// Axis ends, unless they would overprint the zero label.
	if x(0)-barPad > 40 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#5b6475">%+.0f%%</text>`, barPad, h-14, 100*lo)
	}
	if barW-20-x(0) > 40 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#5b6475">%+.0f%%</text>`, barW-20, h-14, 100*hi)
	}
	for i, l := range ls {
		yy := 36 + i*barRow
		color := palette[i%len(palette)]
		fmt.Fprintf(&b, `<text x="8" y="%d" font-size="12" fill="#1d2330">%s</text>`, yy+4, template.HTMLEscapeString(l.Metric))
		cs := fmt.Sprintf("[%+.1f%%, %+.1f%%]", 100*l.CS.Lo, 100*l.CS.Hi)
		if l.CSEmpty { // the looks disagree: no interval to draw or quote
			cs = "CS empty"
		} else {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="%s" stroke-width="5" stroke-opacity="0.45"/>`, x(finite(l.CS.Lo, lo)), x(finite(l.CS.Hi, hi)), yy, yy, color)
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="%s" stroke-width="1.5"/>`, x(l.Lift.CI.Lo), x(l.Lift.CI.Hi), yy, yy, color)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%d" r="5" fill="%s"/>`, x(l.Lift.Relative), yy, color)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="#1d2330">%+.1f%% %s</text>`,
			x(l.Lift.Relative), yy-10, 100*l.Lift.Relative, cs)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
