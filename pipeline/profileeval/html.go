package profileeval

import (
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
)

// WriteHTML writes an evaluation of the dataset file (of format) as one self-contained HTML
// page: every table of the text report, each interval drawn as a bar beside its figure, inline
// styles and SVG only — no scripts, no external resources. The page is well-formed XML too.
func WriteHTML(w io.Writer, format, file string, r Report) error {
	var data strings.Builder
	writeData(func(f string, args ...any) { fmt.Fprintf(&data, f, args...) }, format, file, r.Data)
	lines := strings.Split(strings.TrimSpace(data.String()), "\n")
	pg := htmlPage{Title: lines[0], Data: lines[1:]}
	for _, tk := range tasks {
		if t, ok := r.Tasks[tk.name]; ok {
			pg.Tables = append(pg.Tables, taskTable(tk, t, r.Data.Resamples))
		}
	}
	if r.Triggers.Shift.Ads > 0 || r.Triggers.TimerEvents.EveryKEvents > 0 {
		notes := triggerNotes(r.Data.ConfirmEvents)
		trig := triggerTable(r.Triggers)
		trig.Notes = notes[:]
		pg.Tables = append(pg.Tables, trig, reasonTable(r.Triggers.Shift))
		pg.Rate = fmt.Sprintf("shifts per active shopper per day: %.3f (%d shifts over %d shopper-days)",
			r.Data.ShiftsPerDay, r.Triggers.Shift.Ads, r.Data.UserDays)
	}
	return htmlTemplate.Execute(w, pg)
}

// htmlPage is what the page shows: the text report's header lines, then its tables.
type htmlPage struct {
	Title  string
	Data   []string
	Tables []htmlTable
	Rate   string
}

// htmlTable is one table of the report: a title, notes under it, a header and rows.
type htmlTable struct {
	ID, Title string
	Notes     []string
	Head      []string
	Rows      []htmlRow
}

// htmlRow is a table row; Kind is a CSS class ("diff" for a difference row).
type htmlRow struct {
	Kind  string
	Cells []htmlCell
}

// htmlCell is a figure (Text), its interval in words (CI) and drawn (Bar), as far as it has them.
type htmlCell struct {
	Text string
	CI   string
	Bar  template.HTML
}

// scale is the span a bar is drawn over.
type scale struct{ lo, hi float64 }

// shares is the scale of every figure that is a share.
var shares = scale{0, 1}

// figureCell is a figure with its interval, drawn on sc.
func figureCell(x float64, iv [2]float64, sc scale) htmlCell {
	return htmlCell{Text: fmt.Sprintf("%.3f", x), CI: fmt.Sprintf("[%.3f, %.3f]", iv[0], iv[1]), Bar: bar(x, iv, sc)}
}

// diffCell is a difference with its interval, drawn on a scale symmetric around 0.
func diffCell(d Difference) htmlCell {
	s := math.Max(math.Max(math.Abs(d.CI95[0]), math.Abs(d.CI95[1])), math.Abs(d.Diff))
	s = math.Max(s*1.1, 0.01)
	return htmlCell{Text: fmt.Sprintf("%+.3f", d.Diff), CI: fmt.Sprintf("[%+.3f, %+.3f] vs %s", d.CI95[0], d.CI95[1], d.Baseline),
		Bar: bar(d.Diff, d.CI95, scale{-s, s})}
}

func textCell(format string, args ...any) htmlCell {
	return htmlCell{Text: fmt.Sprintf(format, args...)}
}

// Bars are barW by barH pixels.
const (
	barW = 120
	barH = 14
)

// bar draws interval iv as a bar on sc with a tick at x; on a scale spanning 0, a line marks 0.
// It holds numbers only, so it needs no escaping.
func bar(x float64, iv [2]float64, sc scale) template.HTML {
	at := func(v float64) float64 {
		v = math.Min(math.Max(v, sc.lo), sc.hi)
		return 1 + (barW-2)*(v-sc.lo)/(sc.hi-sc.lo)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bar" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`, barW, barH, barW, barH)
	fmt.Fprintf(&b, `<title>%.3f, 95%% interval [%.3f, %.3f], drawn from %.3g to %.3g</title>`, x, iv[0], iv[1], sc.lo, sc.hi)
	fmt.Fprintf(&b, `<rect class="track" x="0" y="%d" width="%d" height="2"/>`, barH/2-1, barW)
	if sc.lo < 0 && sc.hi > 0 {
		fmt.Fprintf(&b, `<rect class="zero" x="%.1f" y="0" width="1" height="%d"/>`, at(0)-0.5, barH)
	}
	lo, hi := at(iv[0]), at(iv[1])
	fmt.Fprintf(&b, `<rect class="ci" x="%.1f" y="3" width="%.1f" height="%d"/>`, lo, math.Max(hi-lo, 1), barH-6)
	fmt.Fprintf(&b, `<rect class="point" x="%.1f" y="1" width="2" height="%d"/>`, at(x)-1, barH-2)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// taskTable is a task's predictors and, when a model was scored, its lead over the best baseline.
func taskTable(tk task, t Task, resamples int) htmlTable {
	tb := htmlTable{ID: tk.name, Title: taskTitle(tk, t, resamples), Head: []string{"predictor", "hit@1", "hit@3", "hit@10", "MRR@10"}}
	for _, pred := range predictors {
		s, ok := t.Predictors[pred.name]
		if !ok {
			continue
		}
		row := htmlRow{Cells: []htmlCell{textCell("%s", pred.name)}}
		for m, x := range [metricCount]float64{s.HitAt1, s.HitAt3, s.HitAt10, s.MRR} {
			row.Cells = append(row.Cells, figureCell(x, s.CI95[metricNames[m]], shares))
		}
		tb.Rows = append(tb.Rows, row)
	}
	if len(t.ModelVsBest) > 0 {
		row := htmlRow{Kind: "diff", Cells: []htmlCell{textCell("model − best baseline")}}
		for _, m := range metricNames {
			row.Cells = append(row.Cells, diffCell(t.ModelVsBest[m]))
		}
		tb.Rows = append(tb.Rows, row)
	}
	return tb
}

// triggerTable is the triggers at equal ad counts and the shift's difference from the best timer.
func triggerTable(tr Triggers) htmlTable {
	tb := htmlTable{ID: "triggers", Title: "triggers",
		Head: []string{"trigger", "ads", "precision", "novelty", "timeliness_events", "coverage", "new interests"}}
	all := []Trigger{tr.Shift, tr.TimerEvents, tr.TimerMinutes}
	timely := scale{1, 2}
	for _, s := range all {
		timely.hi = math.Max(timely.hi, math.Max(s.CI95["timeliness_events"][1], s.TimelinessEvents))
	}
	names := []string{"shift", "timer_events (" + tr.TimerEvents.timerName() + ")", "timer_minutes (" + tr.TimerMinutes.timerName() + ")"}
	for i, s := range all {
		tb.Rows = append(tb.Rows, htmlRow{Cells: []htmlCell{
			textCell("%s", names[i]), textCell("%d", s.Ads),
			figureCell(s.Precision, s.CI95["precision"], shares), figureCell(s.Novelty, s.CI95["novelty"], shares),
			figureCell(s.TimelinessEvents, s.CI95["timeliness_events"], timely), figureCell(s.Coverage, s.CI95["coverage"], shares),
			textCell("%d", s.Interests),
		}})
	}
	if vs := tr.Shift.VsBestTimer; len(vs) > 0 {
		tb.Rows = append(tb.Rows, htmlRow{Kind: "diff", Cells: []htmlCell{
			textCell("shift − best timer"), {}, diffCell(vs["precision"]), {}, {}, diffCell(vs["coverage"]), {},
		}})
	}
	return tb
}

// reasonTable is the shift's precision by the reason it fired.
func reasonTable(sh Trigger) htmlTable {
	tb := htmlTable{ID: "shift_reasons", Title: "shift precision by reason", Head: []string{"reason", "ads", "scored", "confirmed", "precision"}}
	for _, reason := range slices.Sorted(maps.Keys(sh.ByReason)) {
		s := sh.ByReason[reason]
		tb.Rows = append(tb.Rows, htmlRow{Cells: []htmlCell{
			textCell("%s", reason), textCell("%d", s.Ads), textCell("%d", s.Scored), textCell("%d", s.Confirmed), textCell("%.3f", s.Precision),
		}})
	}
	return tb
}

var htmlTemplate = template.Must(template.New("profile-eval").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><title>{{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1400px;color:#1d2330;padding:0 16px}
h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;margin:26px 0 6px}
p{margin:2px 0}.note{color:#5b6475;font-size:13px}
.wide{overflow-x:auto}
table{border-collapse:collapse;margin:6px 0 4px;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;text-align:right;border-bottom:1px solid #e3e6ec;white-space:nowrap;vertical-align:middle}
th:first-child,td:first-child{text-align:left}th{background:#f4f6f9;font-weight:600}
tr.diff td{font-weight:600;border-top:2px solid #b9c0cc}
.ci{color:#6b7385;font-size:12px;margin:0 6px}
svg.bar{vertical-align:middle}
svg.bar rect.track{fill:#e3e6ec}svg.bar rect.zero{fill:#5b6475}
svg.bar rect.ci{fill:#9db8e8}svg.bar rect.point{fill:#1d4fa8}
</style></head>
<body>
<h1>{{.Title}}</h1>
{{range .Data}}<p class="note">{{.}}</p>
{{end}}{{range .Tables}}<h2 id="{{.ID}}">{{.Title}}</h2>
{{range .Notes}}<p class="note">{{.}}</p>
{{end}}<div class="wide"><table>
<thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Kind}} class="{{.Kind}}"{{end}}>{{range .Cells}}<td>{{.Text}}{{if .CI}}<span class="ci">{{.CI}}</span>{{end}}{{.Bar}}</td>{{end}}</tr>
{{end}}</tbody></table></div>
{{end}}{{with .Rate}}<p>{{.}}</p>
{{end}}</body></html>
`))
