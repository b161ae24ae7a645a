package rekey

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// A deletion request on the control topic goes to the keyed clickstream keyed by the shopper it
// names — the known user, for an anonymous id joined to one — marked with HeaderForget, its bytes
// untouched; one that does not decode goes under its own key, for the features stage to
// dead-letter.
func TestControlRequestsGoToTheShoppersPartition(t *testing.T) {
	out := &pipelinetest.Emitter{}
	s := newStage(t, Config{KeyFrom: KeyFromUser}, out)
	if !slices.Contains(s.Topics(), topics.Control) {
		t.Fatalf("Topics() = %v, want the control topic among them", s.Topics())
	}
	run(t, s, rec("", alias)) // a2 joined to u2
	before := len(on(out, topics.Keyed))
	p, err := s.Open(t.Context(), topics.Control, 0)
	if err != nil {
		t.Fatal(err)
	}
	req := func(user string) string {
		v, err := schemas.EncodeControl(schemas.Control{Type: schemas.ControlForget, User: user})
		if err != nil {
			t.Fatal(err)
		}
		return string(v)
	}
	recs := []pipeline.Record{rec("u1", req("u1")), rec("a2", req("a2")), rec("k", `{"type":"forget"}`)}
	for i := range recs {
		recs[i].Topic, recs[i].Offset = topics.Control, int64(i)
	}
	if err := p.Process(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	got := on(out, topics.Keyed)[before:]
	if want := []string{"u1", "u2", "k"}; !slices.Equal(keys(got), want) {
		t.Fatalf("keys %q, want %q", keys(got), want)
	}
	for i, r := range got {
		if string(r.Header(schemas.HeaderForget)) != string(r.Key) || string(r.Value) != string(recs[i].Value) {
			t.Errorf("record %d: forget header %q, value %q", i, r.Header(schemas.HeaderForget), r.Value)
		}
	}
}
