package evaluation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// The look grid is at least a second: a second itself is a grid.
func TestLookEveryOfASecond(t *testing.T) {
	o := opts
	o.LookEvery = time.Second
	if r := build(t, fixture(), o); r.LookEvery != "1s" || r.CTRLift.Looks != 3 {
		t.Errorf("looks every %s: %d looks, want 3", r.LookEvery, r.CTRLift.Looks)
	}
	o.LookEvery = time.Second - time.Millisecond
	if _, err := Build(fixture(), o); err == nil || !strings.Contains(err.Error(), "want at least a second") {
		t.Errorf("looks every 999ms: %v", err)
	}
}

// A report without dead letters says so in JSON too: an empty object, never null.
func TestNoFailuresEncodeAsAnEmptyObject(t *testing.T) {
	d := fixture()
	d.Failures = nil
	b, err := json.Marshal(build(t, d, opts))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"failures":{}`)) {
		t.Errorf("report without dead letters: %s", b)
	}
}

// TopSegments segments and one more are all listed by name (a row of "1 other segment" would
// only hide one); one more again and the smallest two share a row.
func TestTopSegmentsBoundary(t *testing.T) {
	f := func(segments int, want []string) {
		t.Helper()
		var d Data
		for i := range segments {
			d.Cells = append(d.Cells, Cell{Segment: fmt.Sprintf("s%02d", i), Arm: "value", Group: schemas.GroupTreatment,
				Counts: Counts{Impressions: uint64(100 + i), Clicks: 10}})
		}
		var keys []string
		for _, row := range build(t, d, opts).BySegment {
			keys = append(keys, row.Key)
		}
		if got := strings.Join(keys, ","); got != strings.Join(want, ",") {
			t.Errorf("%d segments listed as %s, want %s", segments, got, strings.Join(want, ","))
		}
	}
	f(TopSegments+1, []string{"s12", "s11", "s10", "s09", "s08", "s07", "s06", "s05", "s04", "s03", "s02", "s01", "s00"})
	f(TopSegments+2, []string{"s13", "s12", "s11", "s10", "s09", "s08", "s07", "s06", "s05", "s04", "s03", "s02", "(2 other segments)"})
}

// The CTR series is in time order, then by arm within a bucket.
func TestSeriesByTimeThenArm(t *testing.T) {
	var got []string
	for _, p := range build(t, fixture(), opts).Series {
		got = append(got, fmt.Sprintf("%s %s", p.At.Format("15h"), p.Arm))
	}
	if want := "00h baseline,00h value,01h baseline,01h value,02h baseline,02h value"; strings.Join(got, ",") != want {
		t.Errorf("series %v, want %s", got, want)
	}
}

// Confidence is a level strictly between 0 and 1: 1 would make every interval infinite.
func TestConfidenceBounds(t *testing.T) {
	for _, c := range []float64{0, 1, 1.5} {
		o := opts
		o.Confidence = c
		if _, err := Build(fixture(), o); !errors.Is(err, stats.ErrConfidence) {
			t.Errorf("confidence %v: %v, want %v", c, err, stats.ErrConfidence)
		}
	}
	o := opts
	o.Confidence = 0.999
	if r := build(t, fixture(), o); r.Confidence != 0.999 {
		t.Errorf("confidence %v", r.Confidence)
	}
}

// Every breakdown is there, by its own key.
func TestBreakdownsByTheirKeys(t *testing.T) {
	r := build(t, fixture(), opts)
	keys := func(rows []Row) string {
		var ks []string
		for _, row := range rows {
			ks = append(ks, row.Key)
		}
		return strings.Join(ks, ",")
	}
	for name, c := range map[string]struct {
		rows []Row
		want string
	}{
		"arm":       {r.ByArm, "(ad not landed),baseline,value"},
		"segment":   {r.BySegment, "audio,(ad not landed)"},
		"generator": {r.ByGenerator, "(ad not landed),llm,template"},
		"group":     {r.ByGroup, "(ad not landed),holdout,treatment"},
	} {
		if got := keys(c.rows); got != c.want {
			t.Errorf("by %s: %s, want %s", name, got, c.want)
		}
	}
}

// Not tested: offPolicy's IPS = 0 on NaN. stats.Evaluate returns a zero IPS when nothing is
// matched and a finite one otherwise (rewards are clicks, 0 or 1), so no NaN reaches it.
