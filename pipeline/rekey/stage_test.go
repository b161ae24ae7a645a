package rekey

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

var topics = pipeline.DefaultTopics()

func newStage(t *testing.T, cfg Config, out pipeline.Emitter, opts ...Option) *Stage {
	t.Helper()
	s, err := New(cfg, topics, out, nil, prometheus.NewPedanticRegistry(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// run processes values as records of clickstream partition 0 (keys as given) in one batch.
func run(t *testing.T, s *Stage, recs ...pipeline.Record) {
	t.Helper()
	p, err := s.Open(t.Context(), topics.Clickstream, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		recs[i].Topic, recs[i].Offset = topics.Clickstream, int64(i)
	}
	if err := p.Process(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
}

func rec(key, value string) pipeline.Record {
	return pipeline.Record{Key: []byte(key), Value: []byte(value)}
}

// on returns the records emitted to topic, as key -> values.
func on(e *pipelinetest.Emitter, topic string) []pipeline.Record {
	return slices.DeleteFunc(e.Records(), func(r pipeline.Record) bool { return r.Topic != topic })
}

func keys(recs []pipeline.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Key)
	}
	return out
}

const (
	viewKnown = `{"type":"track","event":"Product Viewed","userId":"u1","anonymousId":"a1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`
	viewAnon  = `{"type":"track","event":"Product Viewed","anonymousId":"a1","messageId":"m2","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`
	viewNum   = `{"type":"track","event":"Product Viewed","userId":4711,"messageId":"m3","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`
	alias     = `{"type":"alias","previousId":"a2","userId":"u2","messageId":"m4","timestamp":"2019-10-01T00:00:00Z"}`
)

// Every event goes to the keyed clickstream keyed by its shopper, whatever its record's key; its
// bytes are untouched and a header names the record it came from.
func TestEveryEventIsKeyedByItsShopper(t *testing.T) {
	out := &pipelinetest.Emitter{}
	s := newStage(t, Config{KeyFrom: KeyFromUser}, out)
	run(t, s, rec("", viewKnown), rec("a1", viewKnown), rec("", viewAnon), rec("", viewNum), rec("k", "not json"))
	got := on(out, topics.Keyed)
	if want := []string{"u1", "u1", "a1", "4711", "k"}; !slices.Equal(keys(got), want) {
		t.Fatalf("keys %q, want %q", keys(got), want)
	}
	for i, r := range got {
		topic, part, off, ok := schemas.ParseSource(r.Header(schemas.HeaderSource))
		if !ok || topic != topics.Clickstream || part != 0 || off != int64(i) {
			t.Errorf("record %d: source header %q", i, r.Header(schemas.HeaderSource))
		}
	}
	if string(got[0].Value) != viewKnown || string(got[4].Value) != "not json" {
		t.Fatalf("values were rewritten: %q, %q", got[0].Value, got[4].Value)
	}

	out = &pipelinetest.Emitter{}
	run(t, newStage(t, Config{KeyFrom: KeyFromAnonymousID}, out), rec("", viewKnown), rec("", viewNum))
	if got := keys(on(out, topics.Keyed)); !slices.Equal(got, []string{"a1", "4711"}) {
		t.Fatalf("key_from anonymous_id: keys %q", got)
	}
}

// Identify (analytics-node's own batch, one record) and alias join an anonymous id to a known
// user: the join is written to the identities topic, the call goes to the anonymous profile's
// partition naming the user, and the id's later events are keyed by the user.
func TestJoinsRouteLaterAnonymousEvents(t *testing.T) {
	batch, err := os.ReadFile("../../schemas/testdata/envelopes/analytics_node_batch.json")
	if err != nil {
		t.Fatal(err)
	}
	const anon = "7b2f0e4c-2d9a-4b8e-9f11-0c5d3e8a6b21"
	later := `{"type":"track","event":"Product Viewed","anonymousId":"` + anon + `","messageId":"x","timestamp":"2024-09-30T10:00:09Z","properties":{"product_id":"hp-100"}}`
	out := &pipelinetest.Emitter{}
	run(t, newStage(t, Config{KeyFrom: KeyFromUser}, out), rec("", string(batch)), rec("", alias), rec(anon, later),
		rec("", `{"type":"track","event":"Product Viewed","anonymousId":"a2","messageId":"y","timestamp":"2024-09-30T10:00:09Z"}`))

	ids := on(out, topics.Identities)
	if len(ids) != 2 {
		t.Fatalf("%d identities, want 2 (identify, alias)", len(ids))
	}
	for i, want := range []schemas.Identity{{Anonymous: anon, User: "user-4711"}, {Anonymous: "a2", User: "u2"}} {
		got, err := schemas.DecodeIdentity(ids[i].Value)
		if err != nil || got != want || string(ids[i].Key) != want.Anonymous {
			t.Fatalf("identity %d: key %q %+v (%v), want %+v", i, ids[i].Key, got, err, want)
		}
	}
	recs := on(out, topics.Keyed)
	// The batch's 6 events one by one, the identify keyed by the anonymous id; the alias; the later events.
	want := []string{anon, "user-4711", "user-4711", "user-4711", "user-4711", "user-4711", "a2", "user-4711", "u2"}
	if !slices.Equal(keys(recs), want) {
		t.Fatalf("keys %q, want %q", keys(recs), want)
	}
	if string(recs[0].Header(schemas.HeaderIdentify)) != "user-4711" || string(recs[6].Header(schemas.HeaderIdentify)) != "u2" {
		t.Fatalf("joins' identify headers %q, %q", recs[0].Header(schemas.HeaderIdentify), recs[6].Header(schemas.HeaderIdentify))
	}
	if string(recs[1].Header(schemas.HeaderEnvelope)) != string(schemas.SegmentBatch) || string(recs[1].Header(schemas.HeaderIndex)) != "1" {
		t.Fatalf("an event of the batch has headers %v, want its envelope and index", recs[1].Headers)
	}
}

// identitiesLog is the identities topic in memory, one partition per slice.
type identitiesLog [][][2]string

func (l identitiesLog) Restore(_ context.Context, part int32, fn func(key, value []byte) error) error {
	for _, kv := range l[part] {
		var v []byte
		if kv[1] != "" {
			v = []byte(kv[1])
		}
		if err := fn([]byte(kv[0]), v); err != nil {
			return err
		}
	}
	return nil
}

// The mapping is read back from every partition of the identities topic: a restarted stage keys
// a joined anonymous id's events by the user; a tombstone and a corrupt value join nothing.
func TestIdentitiesSurviveARestart(t *testing.T) {
	log := identitiesLog{
		{{"a1", `{"anonymous_id":"a1","user_id":"u1"}`}, {"a3", `{"anonymous_id":"a3","user_id":"u3"}`}, {"a3", ""}},
		{{"a2", `not an identity`}},
	}
	out := &pipelinetest.Emitter{}
	reg := prometheus.NewPedanticRegistry()
	s, err := New(Config{KeyFrom: KeyFromUser}, topics, out, nil, reg, WithIdentities(log, 2))
	if err != nil {
		t.Fatal(err)
	}
	anon := func(id string) pipeline.Record {
		return rec("", `{"type":"track","event":"Product Viewed","anonymousId":"`+id+`","messageId":"m","timestamp":"2019-10-01T00:00:00Z"}`)
	}
	run(t, s, anon("a1"), anon("a2"), anon("a3"))
	if got := keys(on(out, topics.Keyed)); !slices.Equal(got, []string{"u1", "a2", "a3"}) {
		t.Fatalf("keys after restore %q, want u1, a2, a3", got)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	corrupt := -1.0
	for _, mf := range mfs {
		if mf.GetName() == "adshift_rekey_identities_corrupt_total" {
			corrupt = mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	if corrupt != 1 {
		t.Fatalf("corrupt identities counted %v, want 1", corrupt)
	}
}

// A batch whose produce failed is forwarded again exactly as the first time, and nothing is
// acknowledged twice.
func TestRetryForwardsTheSame(t *testing.T) {
	out := &pipelinetest.Emitter{Fail: 1}
	s := newStage(t, Config{KeyFrom: KeyFromUser}, out)
	p, err := s.Open(t.Context(), topics.Clickstream, 0)
	if err != nil {
		t.Fatal(err)
	}
	batch := []pipeline.Record{rec("", viewAnon), rec("", `{"type":"identify","userId":"u1","anonymousId":"a1","messageId":"i","timestamp":"2019-10-01T00:00:00Z"}`), rec("", viewAnon)}
	for i := range batch {
		batch[i].Topic, batch[i].Offset = topics.Clickstream, int64(i)
	}
	if err := p.Process(t.Context(), batch); err == nil {
		t.Fatal("Process with a failing producer returned nil")
	}
	if err := p.Process(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	if len(out.Calls) != 2 || !slices.EqualFunc(out.Calls[0], out.Calls[1], func(a, b pipeline.Record) bool {
		return a.Topic == b.Topic && string(a.Key) == string(b.Key) && string(a.Value) == string(b.Value)
	}) {
		t.Fatalf("the retry forwarded %d records, the first attempt %d, or they differ", len(out.Calls[1]), len(out.Calls[0]))
	}
	if got := keys(on(out, topics.Keyed)); !slices.Equal(got, []string{"a1", "a1", "u1"}) {
		t.Fatalf("keys %q, want a1 (before the identify), a1 (the identify), u1 (after it)", got)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, k := range []string{KeyFromUser, KeyFromAnonymousID} {
		if err := (Config{KeyFrom: k}).Validate(); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	if err := (Config{KeyFrom: "email"}).Validate(); err == nil {
		t.Error(`key_from "email" validated`)
	}
}
