package outcomes

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
)

// refusing marks the record's event as refusing advertising in its consent preferences.
func refusing(r pipeline.Record) pipeline.Record {
	r.Value = bytes.Replace(r.Value, []byte(`"type":"track"`),
		[]byte(`"context":{"consent":{"categoryPreferences":{"Advertising":false}}},"type":"track"`), 1)
	return r
}

// A shopper whose events refuse advertising lands no impression, click or conversion, and the
// refusals are counted; another shopper's outcomes land as ever.
func TestStageLandsNothingOfEventsRefusingAdvertising(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	s, p := newTestStage(t, w)
	batch := []pipeline.Record{
		refusing(viewed(1, "no", "m1", "ad-1", t0)),
		refusing(clicked(2, "no", "m2", "ad-1", t0.Add(time.Minute))),
		refusing(ordered(3, "no", "m3", "o-1", 10, t0.Add(time.Hour), "ad-1")),
		viewed(4, "yes", "m4", "ad-2", t0),
		ordered(5, "yes", "m5", "o-2", 20, t0.Add(time.Hour), "ad-2"),
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events(t, p, w) {
		got = append(got, e.User+" "+e.Kind)
	}
	if want := []string{"yes impression", "yes conversion"}; !slices.Equal(got, want) {
		t.Fatalf("rows %s, want %s", strings.Join(got, ", "), strings.Join(want, ", "))
	}
	if n := count(s, resultConsentRefused); n != 3 {
		t.Fatalf("consent_refused = %v, want 3", n)
	}
}
