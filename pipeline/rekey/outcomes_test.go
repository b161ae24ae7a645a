package rekey

import (
	"bytes"
	"context"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// counters returns the value of every series of the counter name in reg, by its first label's
// value ("" for a counter without labels); nil when name is not registered.
func counters(t *testing.T, reg prometheus.Gatherer, name string) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		out := map[string]float64{}
		for _, m := range mf.GetMetric() {
			label := ""
			if ls := m.GetLabel(); len(ls) > 0 {
				label = ls[0].GetValue()
			}
			out[label] = m.GetCounter().GetValue()
		}
		return out
	}
	return nil
}

// Every forwarded event is counted by outcome: kept under its record's key, rekeyed, or unread
// (no shopper in it: forwarded under its own key); the joins are counted too.
func TestForwardedEventsAreCountedByOutcome(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	out := &pipelinetest.Emitter{}
	s, err := New(Config{KeyFrom: KeyFromUser}, topics, out, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	noUser := `{"type":"track","event":"Product Viewed","messageId":"n","timestamp":"2019-10-01T00:00:00Z"}`
	run(t, s, rec("u1", viewKnown), rec("u1", viewKnown), rec("", viewKnown), rec("a1", viewAnon), rec("k", noUser), rec("j", "[1]"), rec("", alias))
	want := map[string]float64{outcomeKept: 3, outcomeRekeyed: 2, outcomeUnread: 2}
	if got := counters(t, reg, "adshift_rekey_events_total"); !maps.Equal(got, want) {
		t.Errorf("adshift_rekey_events_total %v, want %v", got, want)
	}
	if got := counters(t, reg, "adshift_rekey_identities_total"); got[""] != 1 {
		t.Errorf("adshift_rekey_identities_total %v, want 1 (the alias)", got)
	}
	if got := keys(on(out, topics.Keyed)); !slices.Equal(got, []string{"u1", "u1", "u1", "a1", "k", "j", "a2"}) {
		t.Errorf("keys %q: an event with no shopper keeps its record's key", got)
	}
}

// Only a call naming two different ids joins them; an alias without previousId joins its
// anonymousId.
func TestWhatJoins(t *testing.T) {
	f := func(call string, want []schemas.Identity) {
		t.Helper()
		out := &pipelinetest.Emitter{}
		run(t, newStage(t, Config{KeyFrom: KeyFromUser}, out), rec("", call))
		var got []schemas.Identity
		for _, r := range on(out, topics.Identities) {
			id, err := schemas.DecodeIdentity(r.Value)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s joined %+v, want %+v", call, got, want)
		}
	}
	const ts = `"messageId":"m","timestamp":"2019-10-01T00:00:00Z"`
	f(`{"type":"identify","userId":"u1","anonymousId":"a1",`+ts+`}`, []schemas.Identity{{Anonymous: "a1", User: "u1"}})
	f(`{"type":"identify","userId":"u1",`+ts+`}`, nil)
	f(`{"type":"identify","anonymousId":"a1",`+ts+`}`, nil)
	f(`{"type":"identify","userId":"same","anonymousId":"same",`+ts+`}`, nil)
	f(`{"type":"alias","userId":"u5","anonymousId":"a5",`+ts+`}`, []schemas.Identity{{Anonymous: "a5", User: "u5"}})
	f(`{"type":"alias","userId":"u5","previousId":"p5","anonymousId":"a5",`+ts+`}`, []schemas.Identity{{Anonymous: "p5", User: "u5"}})
	f(`{"type":"alias","userId":"u5",`+ts+`}`, nil)
	f(`{"type":"track","event":"Product Viewed","userId":"u1","anonymousId":"a1",`+ts+`}`, nil)
}

// A processor forwards each batch's records once: what an earlier batch sent is not sent
// again.
func TestEachBatchForwardsOnlyItsRecords(t *testing.T) {
	out := &pipelinetest.Emitter{}
	p, err := newStage(t, Config{KeyFrom: KeyFromUser}, out).Open(t.Context(), topics.Clickstream, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{viewKnown, viewAnon} {
		r := rec("", v)
		r.Topic, r.Offset = topics.Clickstream, int64(i)
		if err := p.Process(t.Context(), []pipeline.Record{r}); err != nil {
			t.Fatal(err)
		}
	}
	if len(out.Calls) != 2 || len(out.Calls[0]) != 1 || len(out.Calls[1]) != 1 {
		t.Fatalf("emitted %d batches %v, want one record each", len(out.Calls), out.Calls)
	}
	if k := string(out.Calls[1][0].Key); k != "a1" {
		t.Errorf("the second batch sent %q, want only its own event (a1)", k)
	}
}

// countingLog is an identities topic that counts its restores.
type countingLog struct {
	identitiesLog
	restores int
}

func (l *countingLog) Restore(ctx context.Context, part int32, fn func(key, value []byte) error) error {
	l.restores++
	return l.identitiesLog.Restore(ctx, part, fn)
}

// The identities are read once, however many partitions are opened; a record keyed by
// another id than the one it names is corrupt; a warning is logged only when something was
// skipped.
func TestIdentitiesAreRestoredOnce(t *testing.T) {
	log := &countingLog{identitiesLog: identitiesLog{
		{{"a1", `{"anonymous_id":"a1","user_id":"u1"}`}, {"a4", `{"anonymous_id":"a9","user_id":"u9"}`}},
	}}
	reg := prometheus.NewPedanticRegistry()
	var logs bytes.Buffer
	out := &pipelinetest.Emitter{}
	s, err := New(Config{KeyFrom: KeyFromUser}, topics, out, slog.New(slog.NewTextHandler(&logs, nil)), reg, WithIdentities(log, 1))
	if err != nil {
		t.Fatal(err)
	}
	for part := range int32(3) {
		if _, err := s.Open(t.Context(), topics.Clickstream, part); err != nil {
			t.Fatal(err)
		}
	}
	if log.restores != 1 {
		t.Errorf("the identities topic was read %d times for 3 partitions, want once", log.restores)
	}
	if got := counters(t, reg, "adshift_rekey_identities_corrupt_total"); got[""] != 1 {
		t.Errorf("corrupt identities %v, want 1 (a4 naming a9)", got)
	}
	if n := strings.Count(logs.String(), "skipped identities"); n != 1 {
		t.Errorf("%d warnings of skipped identities, want 1:\n%s", n, logs.String())
	}
	anon := func(id string) pipeline.Record {
		return rec("", `{"type":"track","event":"Product Viewed","anonymousId":"`+id+`","messageId":"m","timestamp":"2019-10-01T00:00:00Z"}`)
	}
	run(t, s, anon("a1"), anon("a9"), anon("a4"))
	if got := keys(on(out, topics.Keyed)); !slices.Equal(got, []string{"u1", "a9", "a4"}) {
		t.Errorf("keys %q, want u1, a9, a4: a record keyed by another id joins nothing", got)
	}

	logs.Reset()
	clean := &countingLog{identitiesLog: identitiesLog{{{"a1", `{"anonymous_id":"a1","user_id":"u1"}`}}}}
	s, err = New(Config{KeyFrom: KeyFromUser}, topics, out, slog.New(slog.NewTextHandler(&logs, nil)), nil, WithIdentities(clean, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(t.Context(), topics.Clickstream, 0); err != nil {
		t.Fatal(err)
	}
	if logs.Len() != 0 {
		t.Errorf("a clean restore logged:\n%s", logs.String())
	}
}

// The strings of a read live in one slab, reused by the next read: reading many events does
// not grow it.
func TestHeadReaderReusesItsSlab(t *testing.T) {
	var r headReader
	value := []byte(viewKnown)
	for range 1000 {
		h, ok := r.read(value)
		if !ok || h.UserID != "u1" || h.AnonymousID != "a1" {
			t.Fatalf("read %+v, %v", h, ok)
		}
	}
	if c := cap(r.strs); c > 4096 {
		t.Errorf("after 1000 reads of one event the slab holds %d bytes, want at most 4096", c)
	}
	long := strings.Repeat("x", 5000)
	h, ok := r.read([]byte(`{"type":"track","userId":"` + long + `","anonymousId":"a1"}`))
	if !ok || h.UserID != long || h.AnonymousID != "a1" {
		t.Fatalf("an id longer than the slab: %d bytes, %q, %v", len(h.UserID), h.AnonymousID, ok)
	}
}

// Mutants left alive on purpose, as no behaviour depends on them: in processor.send, resetting
// the arena (it only bounds memory: the next batch appends past the old keys) and the length
// of the fresh header and source arenas (slices are taken from their ends); in headReader.keep,
// the size of a new slab and making one at all (append grows the slab as well, and the strings
// of earlier reads stay valid either way).
