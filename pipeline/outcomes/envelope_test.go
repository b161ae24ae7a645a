package outcomes

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
)

// A record holding a Segment batch lands each of its outcomes, in order, with the ids a record
// per event would give them; GA4's names are read as the spec's. The order waits out the
// attribution lateness and is written when the partition closes.
func TestStageUnwrapsEnvelopes(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	_, p := newTestStage(t, w)
	body := `{"batch":[` +
		`{"type":"track","event":"view_promotion","userId":"u1","messageId":"m1","timestamp":"2019-10-01T12:00:00Z","properties":{"promotion_id":"ad-1","product_id":"p-ad-1"}},` +
		`{"type":"track","event":"Promotion Clicked","userId":"u1","messageId":"m2","timestamp":"2019-10-01T12:01:00Z","properties":{"promotion_id":"ad-1","product_id":"p-ad-1"}},` +
		`{"type":"track","event":"Promotion Clicked","userId":"u1","messageId":"m3","timestamp":"2019-10-01T12:01:30Z","properties":{}},` +
		`{"type":"track","event":"purchase","userId":"u1","messageId":"m4","timestamp":1569935100000,"properties":{"transaction_id":"o-1","value":"$59.90","currency":"USD","items":[{"item_id":"p-ad-1","price":59.9,"quantity":1}]}}` +
		`],"context":{"locale":"en-US"}}`
	batch := []pipeline.Record{{Topic: "clickstream", Partition: 1, Offset: 1, Value: []byte(body)}}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, wr := range w.Writes {
		for _, e := range wr.Events {
			got = append(got, describe(e))
		}
	}
	want := []string{
		"impression imp:m1 ad=ad-1 imp= 0",
		"click clk:m2 ad=ad-1 imp=imp:m1 0",
		"conversion conv:o-1 ad=ad-1 p-ad-1 imp=imp:m1 last_click 59.9USD",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
