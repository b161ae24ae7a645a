package features

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// readEnvelope reads a record holding an envelope, as the schemas tests have it.
func readEnvelope(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "schemas", "testdata", "envelopes", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A record holding a Segment batch is applied event by event: the bad one is dead-lettered
// alone with its index, the good ones all reach the shopper's profile though they share the
// record's offset, a retry applies none twice, and what the decoder rewrote is counted by kind.
func TestProcessUnwrapsEnvelopes(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.proc.(*processor).stage.now = func() time.Time { return time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC) }
	batch := h.batch(readEnvelope(t, "analytics_node_batch.json"), readEnvelope(t, "rudder_kafka_envelope.json"))
	for range 2 { // the second time, a retry of the same batch
		if err := h.proc.Process(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
	}
	part := &Partition{h.proc.(*processor)}
	if n := part.Events("user-4711"); n != 3 {
		t.Errorf("user-4711 has %d events, want 3: Product Viewed, Product Added, Order Completed", n)
	}
	if n := part.Events("anon-c0ffee"); n != 1 {
		t.Errorf("anon-c0ffee has %d events, want the one of RudderStack's envelope", n)
	}
	if top := part.TopCategories("user-4711", 1, Short); len(top) != 1 || top[0] != "Electronics.Audio.Headphones" {
		t.Errorf("top categories %v, want the dotted path", top)
	}

	var dls []pipeline.Record
	for _, r := range h.out.records() {
		if r.Topic == pipeline.DefaultTopics().DLQ {
			dls = append(dls, r)
		}
	}
	if len(dls) != 1 {
		t.Fatalf("%d dead letters, want the one event without a product", len(dls))
	}
	dl := dls[0]
	read := schemas.ReadDeadLetter(dl.Header)
	if read.Kind != schemas.SchemaViolation || read.Envelope != schemas.SegmentBatch || read.Index != 4 || read.Offset != 0 ||
		!strings.Contains(read.Detail, "batch[4].properties.product_id") {
		t.Errorf("dead letter says %+v", read)
	}
	var bad map[string]any
	if err := json.Unmarshal(dl.Value, &bad); err != nil || bad["messageId"] != "node-next-1727690404000-5d703e96-c182-4fae-a6d5-70b13c4f9e55" {
		t.Errorf("dead letter carries %s (%v), want the bad event alone", dl.Value, err)
	}
	if id := pipeline.FailedEvent(dl, 1<<10).FailureID; id != "clickstream/0/0/4" {
		t.Errorf("failure id %q", id)
	}

	for kind, want := range map[string]float64{"price_text": 2, "category_path": 3, "field_dropped": 1, "message_id": 0} {
		if got := h.counter("adshift_events_rewritten_total", "kind", kind); got != want {
			t.Errorf("rewritten{kind=%q} = %v, want %v", kind, got, want)
		}
	}
	if got := h.counter("adshift_features_envelopes_total", "envelope", "segment_batch"); got != 1 {
		t.Errorf("envelopes{segment_batch} = %v, want 1", got)
	}
}

// A shift caused by an event the decoder rewrote says so in a header.
func TestShiftNotesRewrites(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	var values [][]byte
	for i := range 12 {
		values = append(values, bytes.Replace(view("u1", time.Duration(i)*time.Minute, "electronics.audio"),
			[]byte(`"category":"electronics.audio"`), []byte(`"category":"electronics/audio"`), 1))
	}
	h.process(values...)
	shifts := 0
	for _, r := range h.out.records() {
		if r.Topic != pipeline.DefaultTopics().Shifts {
			continue
		}
		shifts++
		if got := schemas.ParseRewrites(string(r.Header(schemas.HeaderRewritten))); got != schemas.RewriteCategoryPath {
			t.Errorf("shift header %q, want category_path", r.Header(schemas.HeaderRewritten))
		}
	}
	if shifts == 0 {
		t.Fatal("no shift: the test should fire a first profile")
	}
}

// The dead letter of a late event the decoder rewrote says what it rewrote.
func TestLateDeadLetterNotesRewrites(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	late := bytes.Replace(view("u1", -48*time.Hour, "electronics.audio"),
		[]byte(`"category":"electronics.audio"`), []byte(`"category":"electronics > audio"`), 1)
	h.process(view("u1", 0, "electronics.audio"), late)
	var dls []pipeline.Record
	for _, r := range h.out.records() {
		if r.Topic == pipeline.DefaultTopics().DLQ {
			dls = append(dls, r)
		}
	}
	if len(dls) != 1 || string(dls[0].Header(schemas.HeaderFailure)) != string(schemas.LateEvent) ||
		string(dls[0].Header(schemas.HeaderRewritten)) != "category_path" {
		t.Fatalf("dead letters %+v, want the late event's, noting category_path", dls)
	}
}

// The dead letter of an event merged with its batch's context carries the merged event, though
// the next record reuses the splitter's buffer and the first attempt to emit it failed.
func TestEnvelopeDeadLetterSurvivesRetry(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.out.Fail = 1
	bad := track("u1", schemas.ProductViewed, time.Minute, schemas.Properties{Name: "first bad"})
	first := `{"batch":[` + string(view("u1", 0, "toys")) + `,` + string(bad) + `],"context":{"locale":"de-DE"}}`
	second := `{"batch":[` + string(view("u2", 0, "games")) + `,` + string(view("u2", time.Minute, "games")) + `],"context":{"locale":"fr-FR"}}`
	batch := h.batch([]byte(first), []byte(second))
	if err := h.proc.Process(t.Context(), batch); err == nil {
		t.Fatal("the first emit should fail")
	}
	if err := h.proc.Process(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	var dls []pipeline.Record
	for _, r := range h.out.Records() {
		if r.Topic == pipeline.DefaultTopics().DLQ {
			dls = append(dls, r)
		}
	}
	if len(dls) != 1 {
		t.Fatalf("%d dead letters acknowledged, want 1", len(dls))
	}
	var got struct {
		Context    map[string]any
		Properties map[string]any
	}
	if err := json.Unmarshal(dls[0].Value, &got); err != nil || got.Context["locale"] != "de-DE" || got.Properties["name"] != "first bad" {
		t.Errorf("dead letter carries %s (%v), want the bad event with its batch's context", dls[0].Value, err)
	}
	part := &Partition{h.proc.(*processor)}
	if part.Events("u1") != 1 || part.Events("u2") != 2 {
		t.Errorf("u1 %d events, u2 %d: a retry must apply nothing twice", part.Events("u1"), part.Events("u2"))
	}
}

// Events the rekey stage forwarded from an envelope, one record each, carry the envelope's
// headers: they are plain records to the features stage, and nothing is kept per record (a
// profile kept as "enveloped" would skip the check that stops a redelivered event applying
// twice, and the list would grow without end).
func TestForwardedEnvelopeEventsArePlainRecords(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	p := h.proc.(*processor)
	var batch []pipeline.Record
	for i := range 3 {
		r := h.batch(fmt.Appendf(nil, `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m-%d","timestamp":"2019-10-01T10:00:0%dZ","properties":{"product_id":"p1","category":"electronics.audio"}}`, i, i))[0]
		r.Headers = schemas.EnvelopeHeaders(nil, schemas.SegmentBatch, i)
		batch = append(batch, r)
	}
	if err := p.Process(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	if len(p.enveloped) != 0 {
		t.Errorf("%d profiles kept as enveloped after plain records", len(p.enveloped))
	}
	part := &Partition{p}
	if n := part.Events("u1"); n != 3 {
		t.Fatalf("u1 has %d events, want 3", n)
	}
}
