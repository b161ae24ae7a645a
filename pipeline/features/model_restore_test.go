package features

import (
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
)

// A restore that reads a shopper's value again, or a tombstone after it, gives the older
// value's interest state slot back: the slab holds the shoppers restored, not every value read.
func TestRestoreReusesModelStateSlots(t *testing.T) {
	values, _ := readRees46(t, 1000)
	m := trainOn(t, values)
	open := func(store *changelogStore) *processor {
		s, err := New(DefaultConfig(), pipeline.DefaultTopics(), store, nil, nil, WithChangelog(store), WithModel(m))
		if err != nil {
			t.Fatal(err)
		}
		s.now = func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
		proc, err := s.Open(t.Context(), "clickstream", 3)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return proc.(*processor)
	}
	store := newStore()
	first := open(store)
	if err := partitionRun(t, first, values, 0, 250); err != nil {
		t.Fatal(err)
	}
	holders := 0
	for _, prof := range first.profiles {
		if prof.state != 0 {
			holders++
		}
	}
	if holders < 50 {
		t.Fatalf("only %d profiles with a state", holders)
	}
	// The log as compaction has not yet cleaned it: every value twice, then tombstones, then
	// every value once more.
	log := store.log[3]
	var tombs []pipeline.Record
	for _, r := range log {
		if r.Value != nil && r.Key[0] != 0 {
			tombs = append(tombs, pipeline.Record{Topic: r.Topic, Partition: r.Partition, Key: r.Key})
		}
	}
	store.log[3] = append(append(append(append([]pipeline.Record(nil), log...), log...), tombs...), log...)
	again := open(store)
	if len(again.profiles) != len(first.profiles) {
		t.Fatalf("%d profiles restored, want %d", len(again.profiles), len(first.profiles))
	}
	if held := int(again.predictor.used) - len(again.predictor.free); held != holders {
		t.Errorf("%d state slots held after the restore (%d used, %d free), want %d", held, again.predictor.used, len(again.predictor.free), holders)
	}
}

// States past the first chunk of the slab are the shoppers' own, like those in it.
func TestModelStatesPastOneChunk(t *testing.T) {
	values, _ := readRees46(t, 1000)
	pr := newPredictor(trainOn(t, values))
	profs := make([]profile, stateChunk+2)
	for i := range profs {
		pr.state(&profs[i]).Observe(uint32(i), 0.5)
	}
	for i := range profs {
		if id, ok := pr.peek(&profs[i]).Last(); !ok || id != uint32(i) {
			t.Fatalf("shopper %d (slot %d) reads category %d", i, profs[i].state, id)
		}
	}
}
