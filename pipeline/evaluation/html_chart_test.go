package evaluation

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func pageOf(t *testing.T, r Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var (
	svgRe  = regexp.MustCompile(`(?s)<svg [^>]*aria-label="([^"]*)"[^>]*>.*?</svg>`)
	attrRe = regexp.MustCompile(`<(circle|line|polyline|polygon) ([^>]*)>`)
	numRe  = regexp.MustCompile(`(\w+)="([^"]*)"`)
)

// marks lists the numeric coordinates of a chart's data marks (circles, lines, bands), as
// name → values, skipping the axes and grid drawn before the data.
type mark struct {
	kind string
	x, y []float64
}

func marksOf(t *testing.T, svg string) []mark {
	t.Helper()
	var out []mark
	for _, m := range attrRe.FindAllStringSubmatch(svg, -1) {
		mk := mark{kind: m[1]}
		for _, a := range numRe.FindAllStringSubmatch(m[2], -1) {
			num := func(s string) float64 {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("%s=%q in %s", a[1], s, m[0])
				}
				return v
			}
			switch a[1] {
			case "cx", "x1", "x2":
				mk.x = append(mk.x, num(a[2]))
			case "cy", "y1", "y2":
				mk.y = append(mk.y, num(a[2]))
			case "points":
				for _, p := range strings.Fields(a[2]) {
					x, y, _ := strings.Cut(p, ",")
					mk.x, mk.y = append(mk.x, num(x)), append(mk.y, num(y))
				}
			}
		}
		out = append(out, mk)
	}
	return out
}

func charts(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range svgRe.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[0]
	}
	return out
}

// inside fails when a mark of the chart leaves the box [x0, x1]×[y0, y1].
func inside(t *testing.T, name string, ms []mark, x0, x1, y0, y1 float64) {
	t.Helper()
	for _, m := range ms {
		for _, x := range m.x {
			if x < x0 || x > x1 {
				t.Errorf("%s: a %s at x=%v, outside [%v, %v]", name, m.kind, x, x0, x1)
			}
		}
		for _, y := range m.y {
			if y < y0 || y > y1 {
				t.Errorf("%s: a %s at y=%v, outside [%v, %v]", name, m.kind, y, y0, y1)
			}
		}
	}
}

func TestChartsDrawInsideTheirFrames(t *testing.T) {
	oneHour := fixture()
	for i := range oneHour.Activity {
		oneHour.Activity[i].Bucket = t0
	}
	for name, d := range map[string]Data{"three hours": fixture(), "one hour": oneHour} {
		t.Run(name, func(t *testing.T) {
			r := build(t, d, opts)
			page := pageOf(t, r)
			cs := charts(t, page)
			ctr, lift, bars := cs["CTR by arm over time"], cs["CTR lift over looks"], cs["lift with interval"]
			if ctr == "" || lift == "" || bars == "" {
				t.Fatalf("charts %v", cs)
			}
			// Axis labels below the frame, inside the picture.
			for _, y := range regexp.MustCompile(`<text x="\d+" y="(\d+)"`).FindAllStringSubmatch(ctr, -1) {
				if v, _ := strconv.Atoi(y[1]); v > chartH {
					t.Errorf("a label at y=%d below the %d-high chart", v, chartH)
				}
			}
			// The data of the time charts stays in the plot frame, not on the axes' labels.
			for chart, svg := range map[string]string{"ctr": ctr, "lift": lift} {
				inside(t, chart, marksOf(t, svg), padL, padL+plotW, padT, padT+plotH)
			}
			inside(t, "bars", marksOf(t, bars), barPad, barW-20, 0, float64(barH+barRow))
			// Every point has its interval drawn through it; the lift chart has a point per look.
			var circles []mark
			vertical := map[float64]bool{}
			for _, m := range marksOf(t, ctr) {
				switch {
				case m.kind == "circle":
					circles = append(circles, m)
				case m.kind == "line" && m.x[0] == m.x[1] && m.y[0] != m.y[1]:
					vertical[m.x[0]] = true
				}
			}
			if len(circles) != len(r.Series) {
				t.Errorf("%d points drawn of %d", len(circles), len(r.Series))
			}
			for _, c := range circles {
				if !vertical[c.x[0]] {
					t.Errorf("the point at x=%v has no interval", c.x[0])
				}
			}
			if n := strings.Count(lift, "<circle"); n != len(r.LiftSeries) || n == 0 {
				t.Errorf("%d points on the lift chart, %d looks", n, len(r.LiftSeries))
			}
			if strings.Contains(page, "no lift yet") {
				t.Error("a lift chart says there is no lift")
			}
		})
	}
}

func TestLiftBarsWithOneLift(t *testing.T) {
	d := fixture()
	for i := range d.Activity {
		d.Activity[i].Conversions = 0 // no conversion lift
	}
	r := build(t, d, opts)
	if r.ConversionLift.CS != nil || r.CTRLift.CS == nil {
		t.Fatalf("conversion lift %+v", r.ConversionLift)
	}
	bars := charts(t, pageOf(t, r))["lift with interval"]
	if !strings.Contains(bars, fmt.Sprintf(`height="%d"`, barH)) || strings.Count(bars, "<circle") != 1 {
		t.Errorf("one lift's bars: %s", bars)
	}
}

func TestPageStatesConfidenceAndCosts(t *testing.T) {
	r := build(t, withShoppers(fixture()), opts)
	page := pageOf(t, r)
	for _, want := range []string{
		"Intervals are 95%:", "the CS excludes 0 exactly when p &lt; 0.05,",
		fmt.Sprintf("<td>%.1f%%</td>", 100*r.Adjusted[0].VarianceReduction),
		"<th>cost/click</th>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Without a model price no cost column is shown: every row of the arms table has as many
	// cells as its header.
	o := opts
	o.CostPer1kTokens = 0
	unpriced := pageOf(t, build(t, fixture(), o))
	if strings.Contains(unpriced, "cost/click") {
		t.Error("cost columns without a price")
	}
	table := unpriced[strings.Index(unpriced, "<th></th><th>ads</th>"):]
	table = table[:strings.Index(table, "</table>")]
	rows := strings.Split(table, "<tr")
	head := strings.Count(rows[0], "<th>")
	for _, row := range rows[1:] {
		if n := strings.Count(row, "<td"); n != head {
			t.Errorf("a row of %d cells under %d headers: %s", n, head, row)
		}
	}
}

// Not tested: the tick labels' offset of 4 below their grid line (html.go axes) only centres the
// text on the line; and writeGuardrails' tabwriter minwidth of 0 is equivalent to 1, since every
// cell is padded by 2.
