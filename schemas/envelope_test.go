package schemas

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func readEnvelope(t testing.TB, name string) []byte {
	t.Helper()
	return readTestdata(t, filepath.Join("envelopes", name))
}

// splitDecode splits a record and decodes each event, returning the events accepted and the
// failures by index.
func splitDecode(t *testing.T, data []byte) (Envelope, []Event, map[int]*Failure) {
	t.Helper()
	var s Splitter
	env, values, err := s.Split(data, Limits{})
	if err != nil {
		t.Fatalf("Split: %v", err)
	}
	var events []Event
	failures := map[int]*Failure{}
	for i, v := range values {
		if !json.Valid(v) {
			t.Fatalf("event %d is not JSON: %s", i, v)
		}
		e, err := DecodeEvent(v, Limits{})
		if err != nil {
			f, _ := AsFailure(err)
			failures[i] = f.Within(env, i)
			continue
		}
		events = append(events, e)
	}
	return env, events, failures
}

func TestSplitAnalyticsNodeBatch(t *testing.T) {
	env, events, failures := splitDecode(t, readEnvelope(t, "analytics_node_batch.json"))
	if env != SegmentBatch || len(events) != 5 || len(failures) != 1 {
		t.Fatalf("%s: %d events, failures %v; want a batch of 5 good and 1 bad", env, len(events), failures)
	}
	if f := failures[4]; f.Kind != SchemaViolation || f.Field != "batch[4].properties.product_id" {
		t.Errorf("the event without a product failed as %v", f)
	}
	view, added, order := events[2], events[3], events[4]
	if view.Properties.Price != 129 || view.Properties.Category != "Electronics.Audio.Headphones" ||
		view.Rewrites != RewritePriceText|RewriteCategoryPath {
		t.Errorf("Product Viewed read as %+v", view)
	}
	if added.Properties.Quantity != 0 || added.Properties.Price != 129 || added.Rewrites != RewriteFieldDropped {
		t.Errorf("Product Added read as %+v", added)
	}
	if order.Properties.Revenue != 129 || order.Properties.Products[0].Category != "Electronics.Audio.Headphones" {
		t.Errorf("Order Completed read as %+v", order)
	}
	for i, e := range events {
		if e.UserID != "user-4711" || !bytes.HasPrefix([]byte(e.MessageID), []byte("node-next-")) {
			t.Errorf("event %d: user %q, messageId %q", i, e.UserID, e.MessageID)
		}
	}
}

// The batch's context and integrations apply to every event; an event's own keys win.
func TestSplitMergesBatchContext(t *testing.T) {
	data := readEnvelope(t, "http_api_batch.json")
	var s Splitter
	env, values, err := s.Split(data, Limits{})
	if err != nil || env != SegmentBatch || len(values) != 4 {
		t.Fatalf("Split: %s, %d events, %v", env, len(values), err)
	}
	var body struct {
		Batch        []map[string]any
		Context      map[string]any
		Integrations map[string]any
	}
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		var got map[string]any
		if err := json.Unmarshal(v, &got); err != nil {
			t.Fatalf("event %d: %v in %s", i, err, v)
		}
		want := body.Batch[i]
		want["context"] = merged(body.Context, want["context"])
		want["integrations"] = merged(body.Integrations, want["integrations"])
		if !reflect.DeepEqual(got, want) {
			t.Errorf("event %d:\n got %v\nwant %v", i, got, want)
		}
	}

	_, events, failures := splitDecode(t, data)
	if len(failures) != 0 || len(events) != 4 {
		t.Fatalf("failures %v", failures)
	}
	locales := []string{events[0].Context.Locale, events[2].Context.Locale, events[3].Context.Locale}
	if !reflect.DeepEqual(locales, []string{"en-US", "fr-FR", "en-US"}) {
		t.Errorf("locales %v: want the batch's, but the event's own", locales)
	}
	if e := events[2]; e.Event != ProductViewed || e.Rewrites != RewriteEventName|RewriteMessageID {
		t.Errorf("product_viewed read as %q, rewrites %v", e.Event, e.Rewrites)
	}
	if e := events[3]; !e.Timestamp.Equal(time.UnixMilli(1354408290000)) || e.Properties.Position != 0 ||
		e.Rewrites != RewriteEpochTime|RewriteFieldDropped|RewriteMessageID {
		t.Errorf("Product Clicked read as %+v", e)
	}
	if events[0].MessageID == events[1].MessageID {
		t.Errorf("two events without messageId share %q", events[0].MessageID)
	}
}

// merged is the batch object with the event's own members over it, as Segment applies a
// batch's context.
func merged(batch map[string]any, own any) map[string]any {
	out := map[string]any{}
	for k, v := range batch {
		out[k] = v
	}
	if o, ok := own.(map[string]any); ok {
		for k, v := range o {
			out[k] = v
		}
	}
	return out
}

func TestSplitRudderStack(t *testing.T) {
	env, events, failures := splitDecode(t, readEnvelope(t, "rudder_node_batch.json"))
	if env != SegmentBatch || len(events) != 2 || len(failures) != 0 {
		t.Fatalf("%s: %d events, failures %v", env, len(events), failures)
	}
	view, cart := events[0], events[1]
	if view.Event != ProductViewed || view.Properties.ProductID != "sku-7" || view.Properties.Category != "Apparel.Shoes.Trail" ||
		view.Properties.Price != 42.5 || view.Timestamp.IsZero() || view.Rewrites != RewriteEventName|RewriteGA4 {
		t.Errorf("view_item read as %+v", view)
	}
	if cart.Event != ProductAdded || cart.Properties.ProductID != "sku-7" || cart.Properties.Price != 42.5 ||
		cart.Rewrites != RewriteEventName|RewriteGA4|RewritePriceText {
		t.Errorf("add_to_cart read as %+v", cart)
	}

	env, events, failures = splitDecode(t, readEnvelope(t, "rudder_kafka_envelope.json"))
	if env != RudderEnvelope || len(events) != 1 || len(failures) != 0 {
		t.Fatalf("%s: %d events, failures %v", env, len(events), failures)
	}
	if e := events[0]; e.User() != "anon-c0ffee" || e.Properties.Category != "Apparel.Shoes.Trail" || e.Context.Locale != "en-GB" {
		t.Errorf("the message read as %+v", e)
	}
}

// What is not an envelope is one event, returned as it is, for the decoder to judge.
func TestSplitOneEvent(t *testing.T) {
	f := func(payload string) {
		t.Helper()
		var s Splitter
		env, values, err := s.Split([]byte(payload), Limits{})
		if err != nil || env != NoEnvelope || len(values) != 1 || string(values[0]) != payload {
			t.Errorf("Split(%s) = %s, %q, %v; want the payload as one event", payload, env, values, err)
		}
	}
	f(string(readTestdata(t, "product_viewed.json")))
	f(track("Message Sent", `{"message":{"text":"hi"},"batch":[1]}`))
	f(`{"type":"track","message":{"a":1},"event":"x"}`)
	f(`{"batch":"nightly","type":"track"}`)
	f(`{"batch":[{"type":"track"}`) // not JSON: malformed_json, from the decoder
	f(`{"batch":[]} trailing`)
	f(`{"message":"hello"}`)
	f(``)
	f(`[{"batch":[]}]`)

	payload := readTestdata(t, "product_viewed.json")
	var s Splitter
	if n := testing.AllocsPerRun(100, func() { s.Split(payload, Limits{}) }); n != 0 {
		t.Errorf("splitting one event: %v allocations, want 0", n)
	}
}

func TestSplitFailures(t *testing.T) {
	var s Splitter
	if _, _, err := s.Split([]byte(`{"batch":[],"sentAt":"2024-09-30T10:00:00Z"}`), Limits{}); !sameFailure(err, Failf(SchemaViolation, "batch", "")) {
		t.Errorf("empty batch: %v", err)
	}
	big := readEnvelope(t, "analytics_node_batch.json")
	if _, _, err := s.Split(big, Limits{MaxRecordBytes: len(big) - 1}); !sameFailure(err, Failf(TooLarge, "", "")) {
		t.Errorf("a batch over the limit: %v", err)
	}
	if _, values, err := s.Split(big, Limits{MaxRecordBytes: len(big)}); err != nil || len(values) != 6 {
		t.Errorf("a batch at the limit: %d events, %v", len(values), err)
	}
	// An element that is no object is an event the decoder rejects on its own.
	_, events, failures := splitDecode(t, []byte(`{"batch":["x",`+track(ProductViewed, `{"product_id":"p1"}`)+`],"context":{"locale":"de"}}`))
	if len(events) != 1 || events[0].Context.Locale != "de" || failures[0] == nil || failures[0].Field != "batch[0]" {
		t.Errorf("events %+v, failures %v", events, failures)
	}
}

func TestFailureWithin(t *testing.T) {
	f := Failf(SchemaViolation, "properties.price", "bad")
	for env, want := range map[Envelope]string{NoEnvelope: "properties.price", SegmentBatch: "batch[3].properties.price", RudderEnvelope: "message.properties.price"} {
		if got := f.Within(env, 3); got.Field != want || got.Kind != f.Kind || got.Detail != f.Detail {
			t.Errorf("Within(%s) = %+v, want field %q", env, got, want)
		}
	}
	if f.Field != "properties.price" {
		t.Errorf("Within changed the failure: %+v", f)
	}
}

// Split never fails on what is not an envelope, and every event it returns of one is JSON, in
// order, merged as Segment merges a batch's context.
func FuzzSplit(f *testing.F) {
	for _, name := range []string{"analytics_node_batch.json", "http_api_batch.json", "rudder_node_batch.json", "rudder_kafka_envelope.json"} {
		f.Add(readEnvelope(f, name))
	}
	f.Add([]byte(`{"batch":[{"a":1},2,{"context":{"x":1}}],"context":{"y":2},"integrations":{}}`))
	f.Add([]byte(`{"context":{"y":1},"batch":[{"context":{"x":1},"context":{"y":3}}],"context":{"y":2}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Splitter
		env, values, err := s.Split(data, Limits{})
		if err != nil {
			if env == NoEnvelope {
				t.Fatalf("one event failed to split: %v", err)
			}
			return
		}
		if env == NoEnvelope {
			if len(values) != 1 || !bytes.Equal(values[0], data) {
				t.Fatalf("one event split into %q", values)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("invalid JSON split as %s", env)
		}
		for i, v := range values {
			if !json.Valid(v) {
				t.Fatalf("event %d of %s is not JSON: %s", i, data, v)
			}
			if !bytes.Contains(data, v) && hasDuplicateShared(v) { // merged, not as sent
				t.Fatalf("event %d of %s repeats a shared key: %s", i, data, v)
			}
		}
	})
}

// hasDuplicateShared reports whether the object v names context or integrations twice.
func hasDuplicateShared(v []byte) bool {
	ms, _ := readMembers(v)
	seen := map[string]bool{}
	for _, m := range ms {
		if m.key == "context" || m.key == "integrations" {
			if seen[m.key] {
				return true
			}
			seen[m.key] = true
		}
	}
	return false
}

// A record that only mentions an envelope's key costs no allocation to find it is one event.
func TestSplitOneEventAllocates(t *testing.T) {
	payload := []byte(track("Message Sent", `{"message":"\u4f60\u597d","batch":"b"}`))
	var s Splitter
	s.Split(payload, Limits{})
	if n := testing.AllocsPerRun(100, func() { s.Split(payload, Limits{}) }); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

// BenchmarkSplitOneEvent is what finding that a record is no envelope costs the features stage
// per record, beside BenchmarkDecodeEventInto.
func BenchmarkSplitOneEvent(b *testing.B) {
	payload := browserPayload(b)
	var s Splitter
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if env, _, _ := s.Split(payload, Limits{}); env != NoEnvelope {
			b.Fatal(env)
		}
	}
}

// BenchmarkSplitBatch splits the batch analytics-node posts, merging nothing.
func BenchmarkSplitBatch(b *testing.B) {
	payload := readEnvelope(b, "analytics_node_batch.json")
	var s Splitter
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, values, _ := s.Split(payload, Limits{}); len(values) != 6 {
			b.Fatal(len(values))
		}
	}
}
