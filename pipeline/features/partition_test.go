package features

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// ProcessEvents publishes what Process publishes for the same events as JSON: the same shifts,
// changelog writes and dead-letter kinds, the dead letters without original bytes.
func TestProcessEventsMatchesProcess(t *testing.T) {
	t0 := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	ev := func(user, name string, at time.Duration, id string, p schemas.Properties) schemas.Event {
		return schemas.Event{Type: schemas.TypeTrack, Event: name, UserID: user, MessageID: id, Timestamp: t0.Add(at), Properties: p}
	}
	viewOf := func(user string, at time.Duration, cat string) schemas.Event {
		return ev(user, schemas.ProductViewed, at, fmt.Sprintf("%s-%s-%d", user, cat, at), schemas.Properties{ProductID: "p-" + cat, Category: cat})
	}
	var events []schemas.Event
	for i := range 6 {
		events = append(events, viewOf("u1", time.Duration(i)*time.Minute, "electronics.audio"))
	}
	for i := range 8 {
		events = append(events, viewOf("u1", time.Duration(10+i)*time.Minute, "apparel.shoes"))
	}
	events = append(events,
		viewOf("u1", 20*time.Minute, "apparel.shoes"), // a repeat messageId…
		ev("u1", schemas.ProductViewed, 20*time.Minute, "again", schemas.Properties{ProductID: "p-x", Category: "apparel.shoes"}),
		ev("u2", schemas.ProductViewed, -30*365*24*time.Hour, "old", schemas.Properties{ProductID: "p", Category: "c"}), // before 2000
		ev("u2", schemas.ProductViewed, time.Hour, "no-product", schemas.Properties{Category: "c"}),
		ev("u2", schemas.ProductViewed, time.Hour, "", schemas.Properties{ProductID: "p", Category: "c"}), // no messageId: given a content hash
		schemas.Event{Type: schemas.TypeIdentify, UserID: "u3", MessageID: "id", Timestamp: t0},
		viewOf("u3", -48*time.Hour, "late"), // far behind the watermark
		ev("\x00u", schemas.ProductViewed, time.Hour, "nul", schemas.Properties{ProductID: "p", Category: "c"}),
	)
	events[14].MessageID = events[13].MessageID

	byRecord := newHarness(t, DefaultConfig())
	batch := make([]pipeline.Record, len(events))
	for i := range events {
		value, err := json.Marshal(events[i])
		if err != nil {
			t.Fatal(err)
		}
		batch[i] = pipeline.Record{Topic: "clickstream", Offset: int64(i), Key: []byte(events[i].User()), Value: value, Timestamp: events[i].Timestamp}
	}
	if err := byRecord.proc.Process(t.Context(), batch); err != nil {
		t.Fatal(err)
	}

	byEvent := newHarness(t, DefaultConfig())
	part := &Partition{byEvent.proc.(*processor)}
	if err := part.ProcessEvents(t.Context(), 0, events); err != nil {
		t.Fatal(err)
	}
	if err := part.ProcessEvents(t.Context(), 0, events); err != nil { // a retry applies nothing twice
		t.Fatal(err)
	}

	want, got := byRecord.out.records(), byEvent.out.records()
	if len(got) != len(want) {
		t.Fatalf("ProcessEvents published %d records, Process %d", len(got), len(want))
	}
	kinds := map[string]int{}
	for i := range want {
		w, g := want[i], got[i]
		kind := string(w.Header(schemas.HeaderFailure))
		if w.Topic != g.Topic || !bytes.Equal(w.Key, g.Key) || kind != string(g.Header(schemas.HeaderFailure)) {
			t.Fatalf("record %d: got %s %q %q, want %s %q %q", i, g.Topic, g.Key, g.Header(schemas.HeaderFailure), w.Topic, w.Key, kind)
		}
		if kind != "" {
			kinds[kind]++
			continue
		}
		if !bytes.Equal(w.Value, g.Value) {
			t.Fatalf("record %d on %s: got %q, want %q", i, w.Topic, g.Value, w.Value)
		}
	}
	wantKinds := map[string]int{string(schemas.TimestampOutOfRange): 1, string(schemas.SchemaViolation): 2, string(schemas.LateEvent): 1}
	if fmt.Sprint(kinds) != fmt.Sprint(wantKinds) {
		t.Errorf("dead letters %v, want %v", kinds, wantKinds)
	}
	if n := len(byEvent.out.shifts(t)); n < 2 {
		t.Errorf("%d shifts: the test events should fire a first profile and a new interest", n)
	}
	if part.Events("u1") != 15 || len(part.TopCategories("u1", 3, Short)) == 0 || part.Events("nobody") != 0 {
		t.Errorf("u1: %d events, top %v", part.Events("u1"), part.TopCategories("u1", 3, Short))
	}
}
