package features

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// changelogStore is a compacted changelog in memory: every acknowledged record, in order, per
// partition. It is the Emitter and the Changelog of a stage, as Kafka is.
type changelogStore struct {
	topic string
	log   map[int32][]pipeline.Record
	// failAfter, when set, acknowledges that many more Emit calls and fails the rest, like a
	// producer whose process died.
	failAfter int
	failing   bool
}

func newStore() *changelogStore {
	return &changelogStore{topic: pipeline.DefaultTopics().Profiles, log: map[int32][]pipeline.Record{}}
}

func (c *changelogStore) Emit(_ context.Context, recs []pipeline.Record) error {
	if c.failing {
		if c.failAfter == 0 {
			return errors.New("broker unreachable")
		}
		c.failAfter--
	}
	for _, r := range recs {
		if r.Topic == c.topic {
			r.Key, r.Value = bytes.Clone(r.Key), bytes.Clone(r.Value)
			c.log[r.Partition] = append(c.log[r.Partition], r)
		}
	}
	return nil
}

func (c *changelogStore) Restore(ctx context.Context, partition int32, fn func(key, value []byte) error) error {
	for _, r := range c.log[partition] {
		if err := fn(r.Key, r.Value); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// state is the compacted view: the latest value per key, tombstoned keys gone.
func (c *changelogStore) state(partition int32) map[string]string {
	out := map[string]string{}
	for _, r := range c.log[partition] {
		if r.Value == nil {
			delete(out, string(r.Key))
		} else {
			out[string(r.Key)] = string(r.Value)
		}
	}
	return out
}

// partitionRun feeds values as one partition's records in batches of size batch, starting at
// offset from, to proc.
func partitionRun(t *testing.T, proc pipeline.Processor, values [][]byte, from, batch int) error {
	t.Helper()
	for start := from; start < len(values); start += batch {
		end := min(start+batch, len(values))
		recs := make([]pipeline.Record, 0, end-start)
		for i := start; i < end; i++ {
			recs = append(recs, pipeline.Record{Topic: "clickstream", Partition: 3, Offset: int64(i), Value: values[i]})
		}
		if err := proc.Process(t.Context(), recs); err != nil {
			return err
		}
	}
	return nil
}

func openStage(t *testing.T, store *changelogStore) pipeline.Processor {
	t.Helper()
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), store, nil, nil, WithChangelog(store))
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
	proc, err := s.Open(t.Context(), "clickstream", 3)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return proc
}

// A worker that dies mid-stream — its last batches written to the changelog but not committed,
// or not even acknowledged — and a successor that restores the partition and resumes from the
// last committed offset end with exactly the profiles of a run that never stopped.
func TestRestoreAfterCrashEqualsUninterrupted(t *testing.T) {
	values, _ := readRees46(t, 6000)
	clean := newStore()
	if err := partitionRun(t, openStage(t, clean), values, 0, 250); err != nil {
		t.Fatal(err)
	}
	want := clean.state(3)
	if len(want) < 1000 {
		t.Fatalf("only %d changelog keys: the test data is too small", len(want))
	}

	for _, tc := range []struct {
		name      string
		committed int // offset the group committed before the crash
		crashAt   int // records the dead worker processed
		acked     int // Emit calls the dead worker's last batch got acknowledged: 0 none, 1 outputs but no marker
	}{
		{"crash after a committed batch", 2500, 2500, 2},
		{"crash with written but uncommitted batches", 1500, 3000, 2},
		{"crash after the outputs landed, before the marker", 1500, 3000, 1},
		{"crash before anything of the last batch landed", 1500, 3000, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore()
			dead := openStage(t, store)
			// The last batch is large, so some shoppers have more events in it than the
			// messageId memory holds: only offsets can tell which of them were applied.
			const last = 1500
			if err := partitionRun(t, dead, values[:tc.crashAt-last], 0, 250); err != nil {
				t.Fatal(err)
			}
			store.failing, store.failAfter = true, tc.acked
			if err := partitionRun(t, dead, values[:tc.crashAt], tc.crashAt-last, last); err == nil && tc.acked < 2 {
				t.Fatal("the last batch succeeded though its Emit failed")
			}
			// No Close: the process is gone. The successor resumes at the committed offset.
			store.failing = false
			if err := partitionRun(t, openStage(t, store), values, tc.committed, 250); err != nil {
				t.Fatal(err)
			}
			if got := store.state(3); !maps.Equal(got, want) {
				t.Errorf("%d profiles differ from the uninterrupted run's (%d keys vs %d)", diff(got, want), len(got), len(want))
			}
		})
	}
}

// A successor takes the watermark the last batch before the crash left, whether that batch was
// committed or not: an event further than the lateness behind it is late, as it would have been
// without the crash, and a batch resumed again is not applied twice.
func TestRestoreResumesWhereCommitted(t *testing.T) {
	values := [][]byte{view("u1", 0, "a"), view("u2", 3*time.Hour, "a"), view("u3", time.Hour, "a")}
	f := func(committed int, wantLate bool) {
		t.Helper()
		store := newStore()
		dead := openStage(t, store)
		if err := partitionRun(t, dead, values[:2], 0, 1); err != nil {
			t.Fatal(err)
		}
		// No Close: the process is gone.
		next := openStage(t, store)
		if err := partitionRun(t, next, values, committed, 1); err != nil {
			t.Fatal(err)
		}
		p := next.(*processor)
		if late := p.profiles["u3"] == nil; late != wantLate {
			t.Errorf("resuming at %d: u3's event 2h behind the latest late = %v, want %v", committed, late, wantLate)
		}
		if p.profiles["u2"] == nil || p.profiles["u2"].events != 1 {
			t.Errorf("resuming at %d: u2 = %+v, want its one event applied once", committed, p.profiles["u2"])
		}
	}
	f(2, true)
	f(1, true)
}

// Partitions moving between workers (revoked with Close, reopened elsewhere) keep profiles.
func TestRestoreAfterRevokeEqualsUninterrupted(t *testing.T) {
	values, _ := readRees46(t, 4000)
	clean := newStore()
	if err := partitionRun(t, openStage(t, clean), values, 0, 300); err != nil {
		t.Fatal(err)
	}
	store := newStore()
	for _, cut := range [][2]int{{0, 900}, {900, 2100}, {2100, 4000}} {
		proc := openStage(t, store)
		if err := partitionRun(t, proc, values[:cut[1]], cut[0], 300); err != nil {
			t.Fatal(err)
		}
		if err := proc.Close(t.Context()); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if got, want := store.state(3), clean.state(3); !maps.Equal(got, want) {
		t.Errorf("%d profiles differ after two moves", diff(got, want))
	}
}

func diff(a, b map[string]string) int {
	n := 0
	for k, v := range a {
		if b[k] != v {
			n++
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			n++
		}
	}
	return n
}

// Lateness is judged on the profile an event goes into: an event older than its shopper's latest
// event less the allowed lateness is dead-lettered as late_event and changes nothing, however
// recent for the partition; one within it counts, however far the partition has moved on with
// other shoppers (a delivery system answering in the time of the ad it showed). A shopper with no
// profile is judged against the partition's latest event time.
func TestLateEvents(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.process(
		view("u1", 3*time.Hour, "a"),
		view("u2", time.Hour+59*time.Minute, "b"), // no profile, behind the partition's 3h less 1h: late
		view("u3", 2*time.Hour+time.Minute, "b"),  // no profile, within
		view("u3", time.Hour+59*time.Minute, "b"), // behind the partition, within u3's own 2h01 less 1h
		view("u3", time.Hour, "b"),                // behind u3's own time by more than the lateness: late
	)
	recs := h.out.outputs()
	var late []int64
	for _, r := range recs {
		if schemas.FailureKind(r.Header(schemas.HeaderFailure)) == schemas.LateEvent {
			late = append(late, pipeline.FailedEvent(r, 0).Offset)
		}
	}
	if !slices.Equal(late, []int64{1, 4}) || len(recs) != 2 {
		t.Fatalf("late events at offsets %v of %d dead letters, want 1 and 4 alone", late, len(recs))
	}
	if n := h.counter("adshift_features_failures_total", "kind", string(schemas.LateEvent)); n != 2 {
		t.Errorf("late events counted %v, want 2", n)
	}
	p := h.proc.(*processor)
	if u2 := p.profiles["u2"]; u2 != nil {
		t.Errorf("u2 = %+v, want no profile from a late event", u2)
	}
	if u3 := p.profiles["u3"]; u3 == nil || u3.events != 2 {
		t.Errorf("u3 = %+v, want its two events within its own lateness", u3)
	}
}

// Shoppers idle longer than profile_ttl in event time are dropped with a tombstone.
func TestIdleProfilesExpire(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ProfileTTL = 12 * time.Hour
	h := newHarness(t, cfg)
	h.process(view("idle", 0, "a"), view("busy", time.Hour, "a"))
	h.process(view("busy", 14*time.Hour, "a"))
	var tomb []string
	for _, r := range h.out.records() {
		if r.Topic == pipeline.DefaultTopics().Profiles && r.Value == nil {
			tomb = append(tomb, string(r.Key))
		}
	}
	if !slices.Equal(tomb, []string{"idle"}) {
		t.Errorf("tombstones for %q, want idle only", tomb)
	}
	p := h.proc.(*processor)
	if _, ok := p.profiles["idle"]; ok || p.profiles["busy"] == nil {
		t.Errorf("profiles after expiry: %v", slices.Collect(maps.Keys(p.profiles)))
	}
	if n := h.gauge("adshift_features_profiles_expired_total"); n != 1 {
		t.Errorf("expired counter = %v, want 1", n)
	}
}

// A changelog value decodes to the same profile, which encodes to the same bytes; damaged
// values are refused, not half-read.
func TestProfileCodec(t *testing.T) {
	values, _ := readRees46(t, 3000)
	h := newHarness(t, DefaultConfig())
	h.process(values...)
	p := h.proc.(*processor)
	n := 0
	for user, prof := range p.profiles {
		enc := appendProfile(nil, prof, &p.names, nil)
		other := newNames()
		dec, err := decodeProfile(enc, &other, nil)
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		if again := appendProfile(nil, dec, &other, nil); !bytes.Equal(again, enc) {
			t.Fatalf("%s: re-encoded profile differs", user)
		}
		for cut := 1; cut < len(enc); cut += 7 {
			if _, err := decodeProfile(enc[:cut], &other, nil); !errors.Is(err, errCorrupt) {
				t.Fatalf("%s: a value cut at %d of %d decoded: %v", user, cut, len(enc), err)
			}
		}
		n++
	}
	if n < 500 {
		t.Fatalf("only %d profiles checked", n)
	}
	pr := progress{offset: 12345, max: t0.UnixMilli()}
	if got, err := decodeProgress(appendProgress(nil, pr)); err != nil || got != pr {
		t.Errorf("progress round trip = %+v, %v", got, err)
	}
}

// A profile is one fixed-size value that fits the 320-byte allocation class, which leaves room
// for the map entry and the user key within 400 bytes per shopper (the interest model's state,
// when there is a model, is kept apart).
func TestProfileSize(t *testing.T) {
	if size := unsafe.Sizeof(profile{}); size > 320 {
		t.Errorf("profile is %d bytes, want at most 320", size)
	}
}

// A user key starting with NUL would collide with the progress marker's key.
func TestReservedUserKey(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.process(track("\x00adshift.features.progress", schemas.ProductViewed, 0, schemas.Properties{ProductID: "1"}))
	recs := h.out.outputs()
	if len(recs) != 1 || schemas.FailureKind(recs[0].Header(schemas.HeaderFailure)) != schemas.SchemaViolation {
		t.Errorf("emitted %+v, want one schema_violation dead letter", recs)
	}
}

// A restored partition sweeps idle profiles at the hours the uninterrupted run would, not at its
// first event: a profile the uninterrupted run keeps until the next hour's sweep is still there
// after a restart.
func TestRestoredPartitionSweepsOnTheHour(t *testing.T) {
	ttl := DefaultConfig().ProfileTTL
	values := [][]byte{
		view("u1", 20*time.Minute, "a"),     // the first event sweeps (nothing) and sets the next sweep
		view("u2", ttl+10*time.Minute, "a"), // past the hour: sweeps with a cutoff 10 minutes in; u1 stays
		view("u3", ttl+30*time.Minute, "a"), // before the next hour: no sweep, so u1 stays
	}
	open := func(store *changelogStore) pipeline.Processor {
		s, err := New(DefaultConfig(), pipeline.DefaultTopics(), store, nil, nil, WithChangelog(store))
		if err != nil {
			t.Fatal(err)
		}
		s.now = func() time.Time { return t0.Add(ttl + time.Hour) } // every event is in the past
		proc, err := s.Open(t.Context(), "clickstream", 3)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return proc
	}
	for _, restart := range []bool{false, true} {
		store := newStore()
		proc := open(store)
		if err := partitionRun(t, proc, values[:2], 0, 1); err != nil {
			t.Fatal(err)
		}
		if restart { // no Close: the process is gone, a successor restores the partition
			proc = open(store)
		}
		if err := partitionRun(t, proc, values, 2, 1); err != nil {
			t.Fatal(err)
		}
		state := store.state(3)
		for _, u := range []string{"u2", "u3"} {
			if _, ok := state[u]; !ok {
				t.Fatalf("restart %v: no profile of %s", restart, u)
			}
		}
		if _, ok := state["u1"]; !ok {
			t.Errorf("restart %v: u1's profile, 20 minutes younger than the TTL at the last sweep, was expired before the next hour", restart)
		}
	}
}
