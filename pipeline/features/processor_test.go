package features

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Bad records go to the dead-letter topic with their original bytes and a header naming the
// failure, and the records after them are still processed.
func TestProcessDeadLetters(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	malformed := []byte(`{"type":"track","event":"Product Viewed",`)
	noUser := []byte(`{"type":"track","event":"Product Viewed","messageId":"m1","timestamp":"2019-10-01T00:00:00Z"}`)
	batch := h.batch(
		view("u1", 0, "a"),
		malformed,
		view("u1", time.Minute, "a"),
		noUser,
		view("u1", 2*time.Minute, "a"),
	)
	batch[1].Key = []byte("u1")
	batch[1].Headers = []schemas.Header{{Key: "trace", Value: []byte("t-1")}}
	if err := h.proc.Process(t.Context(), batch); err != nil {
		t.Fatalf("Process: %v", err)
	}

	if len(h.out.Calls) != 2 {
		t.Fatalf("Emit called %d times, want twice per batch: outputs, then the progress marker", len(h.out.Calls))
	}
	recs := h.out.Calls[0]
	var dead []pipeline.Record
	for _, r := range recs {
		if r.Topic == "clickstream.dlq" {
			dead = append(dead, r)
		}
	}
	if len(dead) != 2 {
		t.Fatalf("dead letters = %d, want 2: %+v", len(dead), recs)
	}
	f := func(r pipeline.Record, in pipeline.Record, kind schemas.FailureKind) {
		t.Helper()
		if !bytes.Equal(r.Value, in.Value) || !bytes.Equal(r.Key, in.Key) {
			t.Errorf("dead letter %q/%q does not carry the original %q/%q", r.Key, r.Value, in.Key, in.Value)
		}
		if got := schemas.FailureKind(r.Header(schemas.HeaderFailure)); got != kind {
			t.Errorf("failure header = %q, want %q", got, kind)
		}
		if got := string(r.Header(schemas.HeaderStage)); got != "features" {
			t.Errorf("stage header = %q, want features", got)
		}
		for _, hd := range in.Headers {
			if !bytes.Equal(r.Header(hd.Key), hd.Value) {
				t.Errorf("original header %s lost", hd.Key)
			}
		}
		if got := pipeline.FailedEvent(r, 0).Offset; got != in.Offset {
			t.Errorf("offset header = %d, want %d", got, in.Offset)
		}
	}
	f(dead[0], batch[1], schemas.MalformedJSON)
	f(dead[1], batch[3], schemas.MissingUser)

	// The good records around them still built u1's first profile.
	if shifts := h.out.shifts(t); len(shifts) != 1 || shifts[0].Reason != first {
		t.Errorf("shifts = %+v, want u1's first profile", shifts)
	}
	if n := h.counter("adshift_features_failures_total", "kind", string(schemas.MalformedJSON)); n != 1 {
		t.Errorf("malformed_json failures counted %v, want 1", n)
	}
	if n := h.counter("adshift_features_failures_total", "kind", string(schemas.MissingUser)); n != 1 {
		t.Errorf("missing_user failures counted %v, want 1", n)
	}
}

// Each kind of bad input is dead-lettered under its own kind, within the stage's limits.
func TestProcessFailureKinds(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxEventBytes = 1024
	h := newHarness(t, cfg) // the wall clock reads 2019-10-02T00:00Z
	future := t0.Add(24*time.Hour + cfg.FutureSkew + time.Second)
	tests := []struct {
		name  string
		value []byte
		want  schemas.FailureKind
	}{
		{"not json", []byte("<xml/>"), schemas.MalformedJSON},
		{"no user", []byte(`{"type":"track","event":"Product Viewed","messageId":"m","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"1"}}`), schemas.MissingUser},
		{"view without product", track("u1", schemas.ProductViewed, 0, schemas.Properties{Category: "a"}), schemas.SchemaViolation},
		{"beyond max_event_bytes", track("u1", schemas.ProductViewed, 0, schemas.Properties{ProductID: "1", Name: strings.Repeat("x", 1024)}), schemas.TooLarge},
		{"before 2000", track("u1", schemas.ProductViewed, -20*365*24*time.Hour, schemas.Properties{ProductID: "1"}), schemas.TimestampOutOfRange},
		{"beyond future_skew", track("u1", schemas.ProductViewed, future.Sub(t0), schemas.Properties{ProductID: "1"}), schemas.TimestampOutOfRange},
	}
	for _, tc := range tests {
		h.out.Calls = nil
		h.process(tc.value)
		recs := h.out.outputs()
		if len(recs) != 1 || recs[0].Topic != pipeline.DefaultTopics().DLQ {
			t.Errorf("%s: emitted %+v, want one dead letter", tc.name, recs)
			continue
		}
		if got := schemas.FailureKind(recs[0].Header(schemas.HeaderFailure)); got != tc.want {
			t.Errorf("%s: failure %q (%s), want %q", tc.name, got, recs[0].Header(schemas.HeaderDetail), tc.want)
		}
	}
	// Within the skew is fine.
	h.out.Calls = nil
	h.process(track("u1", schemas.ProductViewed, future.Add(-2*time.Second).Sub(t0), schemas.Properties{ProductID: "1"}))
	if recs := h.out.outputs(); len(recs) != 0 {
		t.Errorf("an event within future_skew was rejected: %+v", recs)
	}
}

// Events that carry no interest are skipped, and each is counted under its reason.
func TestProcessSkips(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	identify := []byte(`{"type":"identify","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z"}`)
	h.process(
		identify,
		track("u1", "Coupon Applied", 0, schemas.Properties{}),
		track("u1", schemas.PromotionViewed, 0, schemas.Properties{PromotionID: "ad-1"}),
		track("u1", schemas.PromotionClicked, 0, schemas.Properties{PromotionID: "ad-1"}),
		view("u1", 0, "a"),
		view("u1", time.Minute, "a"),
	)
	if out := h.out.outputs(); len(out) != 0 {
		t.Errorf("nothing to publish, yet emitted %+v", out)
	}
	for _, c := range []struct {
		name, label, value string
		want               float64
	}{
		{"adshift_features_skipped_total", "reason", skipNotTrack, 1},
		{"adshift_features_skipped_total", "reason", skipUnknown, 1},
		{"adshift_features_skipped_total", "reason", skipOutcome, 2},
		{"adshift_features_events_total", "event", "other", 2},
		{"adshift_features_events_total", "event", schemas.PromotionViewed, 1},
		{"adshift_features_events_total", "event", schemas.ProductViewed, 2},
	} {
		if got := h.counter(c.name, c.label, c.value); got != c.want {
			t.Errorf("%s{%s=%q} = %v, want %v", c.name, c.label, c.value, got, c.want)
		}
	}
	// The skipped events did not count towards min_events: one more view makes the profile.
	h.process(view("u1", 2*time.Minute, "a"))
	if shifts := h.out.shifts(t); len(shifts) != 1 {
		t.Errorf("shifts = %+v, want the first profile on the third view", shifts)
	}
}

// A batch's outputs go out in one Emit call, in input order, and only once they are
// acknowledged its changelog writes follow in a second: each changed profile once, in the input's
// partition, the progress marker last. A restored profile skips the records before its offset, so
// its changelog write must never land while what those records caused could still be lost: an
// Emit failure of the outputs fails the batch before any changelog write is attempted.
func TestProcessEmitsOutputsThenChangelog(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	var batch [][]byte
	for _, u := range []string{"u1", "u2", "u3"} {
		batch = append(batch, views(u, "a", 0, 1, 2)...)
	}
	batch = append(batch, []byte("not json"))
	h.process(batch...)
	if len(h.out.Calls) != 2 {
		t.Fatalf("Emit called %d times, want 2", len(h.out.Calls))
	}
	if got, want := topics(h.out.Calls[0]), []string{"adshift.shifts", "adshift.shifts", "adshift.shifts", "clickstream.dlq"}; !slices.Equal(got, want) {
		t.Errorf("first Emit topics %q, want %q: the outputs alone", got, want)
	}
	var keys []string
	for _, r := range h.out.Calls[1] {
		keys = append(keys, string(r.Key))
		if r.Topic != "adshift.profiles" || r.Partition != 0 {
			t.Errorf("changelog record %q to %s partition %d, want adshift.profiles partition 0", r.Key, r.Topic, r.Partition)
		}
	}
	if want := []string{"u1", "u2", "u3", progressKey}; !slices.Equal(keys, want) {
		t.Errorf("second Emit keys %q, want %q: each changed profile once, the progress marker last", keys, want)
	}

	h.out.Err = errors.New("broker down")
	calls := len(h.out.Calls)
	err := h.proc.Process(t.Context(), h.batch(views("u4", "a", 0, 1, 2)...))
	if !errors.Is(err, h.out.Err) {
		t.Errorf("Process with a failing emitter = %v, want the emit error", err)
	}
	for _, call := range h.out.Calls[calls:] {
		if slices.Contains(topics(call), "adshift.profiles") {
			t.Errorf("a changelog write was attempted while the outputs were not acknowledged: %q", topics(call))
		}
	}
}

// A batch whose Emit failed comes again (the consumer retries it): its records are not applied
// twice, and what they produced is emitted exactly as a run without the failure would.
func TestRetriedBatchIsAppliedOnce(t *testing.T) {
	clean := newHarness(t, DefaultConfig())
	clean.process(views("u1", "a", 0, 1, 2)...)
	// More events than the per-shopper messageId memory holds, so only offsets can tell a retry.
	var second [][]byte
	for m := range 12 {
		second = append(second, view("u1", time.Duration(60+m)*time.Minute, "b"))
	}
	second = append(second, add("u1", 75*time.Minute, "c"))
	clean.process(second...)
	// A later shift carries the profile's weights, which would show a batch applied twice.
	third := [][]byte{add("u1", 90*time.Minute, "d")}
	clean.process(third...)

	h := newHarness(t, DefaultConfig())
	h.process(views("u1", "a", 0, 1, 2)...)
	retry := h.batch(second...)
	h.out.Err = errors.New("broker down")
	acked := len(h.out.Calls)
	for range 3 {
		if err := h.proc.Process(t.Context(), retry); !errors.Is(err, h.out.Err) {
			t.Fatalf("Process with a failing emitter = %v, want the emit error", err)
		}
	}
	h.out.Err = nil
	h.out.Calls = h.out.Calls[:acked] // only acknowledged records reached the topic
	if err := h.proc.Process(t.Context(), retry); err != nil {
		t.Fatalf("retry: %v", err)
	}
	h.process(third...)
	var want, got []string
	for _, call := range clean.out.Calls {
		for _, r := range call {
			want = append(want, string(r.Value))
		}
	}
	for _, call := range h.out.Calls {
		for _, r := range call {
			got = append(got, string(r.Value))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("with retries emitted:\n%s\nan uninterrupted run:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestProcessAfterClose(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.process(view("u1", 0, "a"))
	if n := h.gauge("adshift_features_profiles"); n != 1 {
		t.Errorf("profiles gauge = %v, want 1", n)
	}
	if err := h.proc.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := h.gauge("adshift_features_profiles"); n != 0 {
		t.Errorf("profiles gauge after Close = %v, want 0", n)
	}
	if err := h.proc.Process(t.Context(), h.batch(view("u1", time.Minute, "a"))); !errors.Is(err, ErrClosed) {
		t.Errorf("Process after Close = %v, want ErrClosed", err)
	}
}

// A timestamp beyond the wall clock plus the allowed skew is rejected, whatever the decoder's
// own defaults.
func TestProcessLimits(t *testing.T) {
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), &fakeEmitter{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	lim := s.limits()
	want := schemas.Limits{MaxBytes: 64 << 10, MinTime: schemas.MinEventTime, MaxTime: now.Add(time.Hour)}
	if lim != want {
		t.Errorf("limits = %+v, want %+v", lim, want)
	}
	if s.Name() != "features" || !slices.Equal(s.Topics(), []string{"clickstream"}) {
		t.Errorf("stage %q reads %q, want features reading clickstream", s.Name(), s.Topics())
	}
}

// A tracker's retry carries the same messageId: it is counted once.
func TestProcessDropsDuplicates(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	v1, v2 := view("u1", 0, "a"), view("u1", time.Minute, "a")
	h.process(v1, v1, v2)
	h.process(v2)
	if shifts := h.out.shifts(t); len(shifts) != 0 {
		t.Errorf("two distinct views and two retries made a profile: %+v", shifts)
	}
	if n := h.counter("adshift_features_skipped_total", "reason", skipDup); n != 2 {
		t.Errorf("duplicates counted %v, want 2", n)
	}
	h.process(view("u1", 2*time.Minute, "a"))
	if shifts := h.out.shifts(t); len(shifts) != 1 {
		t.Errorf("the third distinct view made %d shifts, want the first profile", len(shifts))
	}
}
