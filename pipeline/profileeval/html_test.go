package profileeval

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
)

// htmlTables parses a page as XML (the page is well-formed) and returns, by table id (the id
// of the heading before it), each row's cells as text, and per table how many bars it draws.
func htmlTables(t *testing.T, page []byte) (map[string][][]string, map[string]int) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	tables, bars := map[string][][]string{}, map[string]int{}
	var id string
	var row []string
	var cell *strings.Builder
	inTitle := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return tables, bars
		}
		if err != nil {
			t.Fatalf("the page is not well-formed: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			switch tk.Name.Local {
			case "h2":
				for _, a := range tk.Attr {
					if a.Name.Local == "id" {
						id = a.Value
					}
				}
			case "tr":
				row = nil
			case "td", "th":
				cell = &strings.Builder{}
			case "svg":
				bars[id]++
			case "title":
				inTitle++
			}
		case xml.EndElement:
			switch tk.Name.Local {
			case "td", "th":
				row = append(row, strings.TrimSpace(cell.String()))
				cell = nil
			case "tr":
				tables[id] = append(tables[id], row)
			case "title":
				inTitle--
			}
		case xml.CharData:
			if cell != nil && inTitle == 0 {
				cell.Write(tk)
				cell.WriteByte(' ')
			}
		}
	}
}

// The page holds every table of the text report, with every predictor and trigger, each
// interval drawn, and nothing loaded from elsewhere.
func TestWriteHTML(t *testing.T) {
	r := repeaterReport(t)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, "rees46", "night <1>.csv", r); err != nil {
		t.Fatal(err)
	}
	page := buf.Bytes()
	if regexp.MustCompile(`(?i)<script|<link|<img|src=|href=|url\(|@import`).Match(page) {
		t.Error("the page loads resources from elsewhere")
	}
	if !bytes.Contains(page, []byte("night &lt;1&gt;.csv")) {
		t.Error("the file name is not escaped")
	}
	tables, bars := htmlTables(t, page)
	rowsOf := func(id string) map[string][]string {
		rows := map[string][]string{}
		for _, row := range tables[id][1:] { // after the header
			rows[strings.SplitN(row[0], " (", 2)[0]] = row
		}
		return rows
	}
	for _, tk := range tasks {
		rows := rowsOf(tk.name)
		for _, p := range predictors {
			row, ok := rows[p.name]
			s := r.Tasks[tk.name].Predictors[p.name]
			if !ok || len(row) != 5 || !strings.HasPrefix(row[2], fmt.Sprintf("%.3f [%.3f, %.3f]", s.HitAt3, s.CI95["hit_at_3"][0], s.CI95["hit_at_3"][1])) {
				t.Errorf("%s: row of %s is %q, want hit@3 %.3f with its interval", tk.name, p.name, row, s.HitAt3)
			}
		}
		d := r.Tasks[tk.name].ModelVsBest["mrr"]
		if row := rows["model − best baseline"]; len(row) != 5 || !strings.Contains(row[4], fmt.Sprintf("%+.3f", d.Diff)) || !strings.Contains(row[4], d.Baseline) {
			t.Errorf("%s: difference row %q, want MRR %+.3f vs %s", tk.name, row, d.Diff, d.Baseline)
		}
		if want := 4 * (len(predictors) + 1); bars[tk.name] != want {
			t.Errorf("%s: %d bars, want one per figure and difference: %d", tk.name, bars[tk.name], want)
		}
	}
	rows := rowsOf("triggers")
	for name, s := range map[string]Trigger{"shift": r.Triggers.Shift, "timer_events": r.Triggers.TimerEvents, "timer_minutes": r.Triggers.TimerMinutes} {
		row, ok := rows[name]
		if !ok || len(row) != 7 || row[1] != fmt.Sprint(s.Ads) || !strings.HasPrefix(row[5], fmt.Sprintf("%.3f", s.Coverage)) {
			t.Errorf("trigger %s: row %q, want %d ads and coverage %.3f", name, row, s.Ads, s.Coverage)
		}
	}
	prec := r.Triggers.Shift.VsBestTimer["precision"]
	if row := rows["shift − best timer"]; len(row) != 7 || !strings.Contains(row[2], fmt.Sprintf("%+.3f", prec.Diff)) || !strings.Contains(row[2], prec.Baseline) {
		t.Errorf("shift − best timer row %q, want precision %+.3f vs %s", row, prec.Diff, prec.Baseline)
	}
	if bars["triggers"] != 3*4+2 {
		t.Errorf("triggers: %d bars, want 14", bars["triggers"])
	}
	for reason := range r.Triggers.Shift.ByReason {
		if _, ok := rowsOf("shift_reasons")[reason]; !ok {
			t.Errorf("no precision row for shifts of reason %s", reason)
		}
	}
	if !bytes.Contains(page, []byte("shifts per active shopper per day")) {
		t.Error("the page lacks the shift rate")
	}
}
