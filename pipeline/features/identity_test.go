package features

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// broker keeps every record emitted, by topic, and serves the profile changelog back by partition.
type broker struct {
	recs []pipeline.Record
}

func (b *broker) Emit(_ context.Context, recs []pipeline.Record) error {
	for _, r := range recs {
		r.Key, r.Value = bytes.Clone(r.Key), bytes.Clone(r.Value)
		b.recs = append(b.recs, r)
	}
	return nil
}

func (b *broker) Restore(ctx context.Context, partition int32, fn func(key, value []byte) error) error {
	for _, r := range b.recs {
		if r.Topic == pipeline.DefaultTopics().Profiles && r.Partition == partition {
			if err := fn(r.Key, r.Value); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// take returns the records emitted to topic since the last take of it, and forgets them.
func (b *broker) take(topic string) []pipeline.Record {
	var out, kept []pipeline.Record
	for _, r := range b.recs {
		switch {
		case r.Topic == topic:
			out = append(out, r)
		default:
			kept = append(kept, r)
		}
	}
	if topic != pipeline.DefaultTopics().Profiles {
		b.recs = kept
	}
	return out
}

// keyedPartition is one partition of the keyed clickstream as the features stage reads it.
type keyedPartition struct {
	t    *testing.T
	proc pipeline.Processor
	part int32
	next int64
}

func openKeyed(t *testing.T, b *broker, part int32) *keyedPartition {
	t.Helper()
	return openKeyedWith(t, b, part, DefaultConfig())
}

func openKeyedWith(t *testing.T, b *broker, part int32, cfg Config) *keyedPartition {
	t.Helper()
	s, err := New(cfg, pipeline.DefaultTopics(), b, nil, nil, FromKeyed(), WithChangelog(b))
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
	if got := s.Topics(); len(got) != 1 || got[0] != pipeline.DefaultTopics().Keyed {
		t.Fatalf("Topics() = %v, want the keyed clickstream", got)
	}
	proc, err := s.Open(t.Context(), pipeline.DefaultTopics().Keyed, part)
	if err != nil {
		t.Fatal(err)
	}
	return &keyedPartition{t: t, proc: proc, part: part}
}

// feed processes records keyed as given, in one batch.
func (k *keyedPartition) feed(recs ...pipeline.Record) {
	k.t.Helper()
	for i := range recs {
		recs[i].Topic, recs[i].Partition, recs[i].Offset = pipeline.DefaultTopics().Keyed, k.part, k.next
		k.next++
	}
	if err := k.proc.Process(k.t.Context(), recs); err != nil {
		k.t.Fatal(err)
	}
}

func keyed(key string, value []byte, headers ...schemas.Header) pipeline.Record {
	return pipeline.Record{Key: []byte(key), Value: value, Headers: headers}
}

// anonView is a Product Viewed by an anonymous shopper.
func anonView(anon string, at time.Duration, category string) []byte {
	return []byte(`{"type":"track","event":"Product Viewed","anonymousId":"` + anon + `","messageId":"` + anon + at.String() +
		`","timestamp":"` + t0.Add(at).Format(time.RFC3339) + `","properties":{"product_id":"p1","category":"` + category + `"}}`)
}

func identifyCall(anon, user string) []byte {
	return []byte(`{"type":"identify","userId":"` + user + `","anonymousId":"` + anon + `","messageId":"id-` + anon +
		`","timestamp":"` + t0.Add(10*time.Minute).Format(time.RFC3339) + `"}`)
}

func shiftsOf(t *testing.T, recs []pipeline.Record) []schemas.Shift {
	t.Helper()
	var out []schemas.Shift
	for _, r := range recs {
		s, err := schemas.DecodeShift(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// A shopper browses anonymously (partition 0), identifies, and browses on as a known user
// (partition 1): the anonymous profile travels to the known user's partition, is merged there,
// and the merge is on the shift that follows, reason identified, with the anonymous interest.
func TestIdentifyMergesTheAnonymousProfile(t *testing.T) {
	b := &broker{}
	anonPart, userPart := openKeyed(t, b, 0), openKeyed(t, b, 1)
	keyedTopic, shifts := pipeline.DefaultTopics().Keyed, pipeline.DefaultTopics().Shifts

	anonPart.feed(keyed("a1", anonView("a1", 0, "Audio")), keyed("a1", anonView("a1", time.Minute, "Audio")))
	userPart.feed(keyed("u1", view("u1", 20*time.Minute, "Games")))
	if s := b.take(shifts); len(s) != 0 {
		t.Fatalf("shifts before the identify: %d, want none (2 and 1 events, min_events 3)", len(s))
	}

	anonPart.feed(keyed("a1", identifyCall("a1", "u1"), schemas.Header{Key: schemas.HeaderIdentify, Value: []byte("u1")}))
	merges := b.take(keyedTopic)
	if len(merges) != 1 || string(merges[0].Key) != "u1" || string(merges[0].Header(schemas.HeaderMergeFrom)) != "a1" {
		t.Fatalf("identify emitted %+v, want one merge record keyed u1 from a1", merges)
	}
	if st := (&changelogStore{topic: pipeline.DefaultTopics().Profiles, log: map[int32][]pipeline.Record{0: b.take(pipeline.DefaultTopics().Profiles)}}).state(0); st["a1"] != "" {
		t.Fatalf("the anonymous profile is still in the changelog after the merge")
	}

	userPart.feed(keyed("u1", merges[0].Value, merges[0].Headers...))
	got := shiftsOf(t, b.take(shifts))
	if len(got) != 1 || got[0].User != "u1" || got[0].Reason != schemas.ReasonIdentified {
		t.Fatalf("shifts after the merge: %+v, want one for u1, reason identified", got)
	}
	if got[0].Distance != 0 {
		t.Errorf("identified shift at distance %v: no distance fired it, want 0", got[0].Distance)
	}
	if cats := got[0].Summary.Categories; len(cats) == 0 || cats[0].Name != "Audio" {
		t.Fatalf("merged profile's top categories %+v, want the anonymous Audio first", cats)
	}

	// The merge redelivered (a crash before the anonymous partition's commit) changes nothing.
	userPart.feed(keyed("u1", merges[0].Value, merges[0].Headers...))
	userPart.feed(keyed("u1", view("u1", 21*time.Minute, "Games")))
	for _, s := range shiftsOf(t, b.take(shifts)) {
		if s.Reason == schemas.ReasonIdentified {
			t.Fatalf("a redelivered merge published another identified shift: %+v", s)
		}
	}
}

// An anonymous event that reaches the anonymous id's partition after the join (the rekey stage
// learned of it late) goes on to the known user, also after the partition is restored.
func TestEventsAfterTheJoinAreForwarded(t *testing.T) {
	b := &broker{}
	p := openKeyed(t, b, 0)
	p.feed(keyed("a1", identifyCall("a1", "u1"), schemas.Header{Key: schemas.HeaderIdentify, Value: []byte("u1")}))
	if m := b.take(pipeline.DefaultTopics().Keyed); len(m) != 0 {
		t.Fatalf("identify with no anonymous profile emitted %d merges", len(m))
	}
	p.feed(keyed("a1", anonView("a1", 11*time.Minute, "Audio")))
	fw := b.take(pipeline.DefaultTopics().Keyed)
	if len(fw) != 1 || string(fw[0].Key) != "u1" || !bytes.Equal(fw[0].Value, anonView("a1", 11*time.Minute, "Audio")) {
		t.Fatalf("late anonymous event: emitted %+v, want it forwarded as is, keyed u1", fw)
	}
	if err := p.proc.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	restored := openKeyed(t, b, 0)
	restored.next = p.next
	restored.feed(keyed("a1", anonView("a1", 12*time.Minute, "Audio")))
	if fw := b.take(pipeline.DefaultTopics().Keyed); len(fw) != 1 || string(fw[0].Key) != "u1" {
		t.Fatalf("after a restore: emitted %+v, want the event forwarded to u1", fw)
	}
	// A forwarded record is applied where it lands, never forwarded again.
	restored.feed(keyed("a1", anonView("a1", 13*time.Minute, "Audio"), schemas.Header{Key: headerForwarded, Value: []byte("a1")}))
	if fw := b.take(pipeline.DefaultTopics().Keyed); len(fw) != 0 {
		t.Fatalf("a forwarded record was forwarded again: %+v", fw)
	}
}

// A merge that leaves the known profile short of min_events publishes nothing, and the user's
// next shift carries the reason identified.
func TestMergeShortOfMinEventsWaitsForTheNextShift(t *testing.T) {
	b := &broker{}
	anonPart, userPart := openKeyed(t, b, 0), openKeyed(t, b, 1)
	anonPart.feed(keyed("a1", anonView("a1", 0, "Audio")))
	anonPart.feed(keyed("a1", identifyCall("a1", "u1"), schemas.Header{Key: schemas.HeaderIdentify, Value: []byte("u1")}))
	merges := b.take(pipeline.DefaultTopics().Keyed)
	userPart.feed(keyed("u1", merges[0].Value, merges[0].Headers...))
	if s := b.take(pipeline.DefaultTopics().Shifts); len(s) != 0 {
		t.Fatalf("a merge of 1 event published %d shifts", len(s))
	}
	userPart.feed(keyed("u1", view("u1", 20*time.Minute, "Audio")), keyed("u1", view("u1", 21*time.Minute, "Audio")))
	got := shiftsOf(t, b.take(pipeline.DefaultTopics().Shifts))
	if len(got) != 1 || got[0].Reason != schemas.ReasonIdentified {
		t.Fatalf("shifts once the merged profile has 3 events: %+v, want one, reason identified", got)
	}
}

// A dead letter of a forwarded event names the clickstream record the tracker wrote.
func TestDeadLetterNamesTheSourceRecord(t *testing.T) {
	b := &broker{}
	p := openKeyed(t, b, 2)
	p.feed(keyed("", []byte(`{"type":"track","event":"Product Viewed"`),
		schemas.Header{Key: schemas.HeaderSource, Value: schemas.AppendSource(nil, "clickstream", 4, 1234)}))
	dl := b.take(pipeline.DefaultTopics().DLQ)
	if len(dl) != 1 {
		t.Fatalf("%d dead letters, want 1", len(dl))
	}
	d := schemas.ReadDeadLetter(dl[0].Header)
	if d.Topic != "clickstream" || d.Partition != 4 || d.Offset != 1234 || dl[0].Header(schemas.HeaderSource) != nil {
		t.Fatalf("dead letter %+v headers %v, want clickstream partition 4 offset 1234", d, dl[0].Headers)
	}
}

// A moved marker expires with the profiles, after profile_ttl of event time: tombstoned in the
// changelog, and the id's events stay where they land.
func TestMovedMarkersExpire(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ProfileTTL = 12 * time.Hour
	b := &broker{}
	p := openKeyedWith(t, b, 0, cfg)
	p.feed(keyed("busy", view("busy", 0, "Audio")))
	p.feed(keyed("a1", identifyCall("a1", "u1"), schemas.Header{Key: schemas.HeaderIdentify, Value: []byte("u1")}))
	p.feed(keyed("a1", anonView("a1", 6*time.Hour, "Audio")))
	if fw := b.take(pipeline.DefaultTopics().Keyed); len(fw) != 1 || string(fw[0].Key) != "u1" {
		t.Fatalf("within profile_ttl: emitted %+v, want the event forwarded to u1", fw)
	}
	p.feed(keyed("busy", view("busy", 19*time.Hour, "Audio")))
	var tombstoned bool
	for _, r := range b.take(pipeline.DefaultTopics().Profiles) {
		tombstoned = tombstoned || (string(r.Key) == movedPrefix+"a1" && r.Value == nil)
	}
	if !tombstoned {
		t.Fatal("the moved marker of a1 was not tombstoned after profile_ttl")
	}
	p.feed(keyed("a1", anonView("a1", 20*time.Hour, "Audio")))
	if fw := b.take(pipeline.DefaultTopics().Keyed); len(fw) != 0 {
		t.Fatalf("an expired marker still forwarded %+v", fw)
	}
}
