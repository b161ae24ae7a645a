package interest

import (
	"bytes"
	"reflect"
	"sync"
	"testing"
)

// The successor counters hold the Space-Saving guarantees on real moves: at most
// SuccessorSlots per category, no count below the true one, none above it by more than
// moves/slots, and every next category taking more than that share kept.
func TestSuccessorCountersBoundMemoryAndError(t *testing.T) {
	events := readEvents(t, "taobao", taobao)
	cfg := DefaultConfig()
	cfg.Successors, cfg.SuccessorSlots = 4, 8
	tr, err := NewTrainer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]map[string]float64{} // moves by category, then next category
	last := map[string]string{}
	for _, e := range events {
		tr.Add(e.user, e.category, e.at)
		if l, ok := last[e.user]; ok && l != e.category {
			if truth[l] == nil {
				truth[l] = map[string]float64{}
			}
			truth[l][e.category]++
		}
		last[e.user] = e.category
	}
	full := 0
	for from, r := range tr.stats.next {
		if len(r.ids) > cfg.SuccessorSlots {
			t.Fatalf("%s keeps %d counters", tr.names[from], len(r.ids))
		}
		if len(r.ids) == cfg.SuccessorSlots {
			full++
		}
		bound := tr.stats.out[from] / float64(cfg.SuccessorSlots)
		moves := truth[tr.names[from]]
		kept := map[string]bool{}
		for k, id := range r.ids {
			to := tr.names[id]
			kept[to] = true
			if c := r.counts[k]; c < moves[to] || c > moves[to]+bound {
				t.Errorf("%s → %s counted %v, truly %v (bound %v)", tr.names[from], to, c, moves[to], bound)
			}
		}
		for to, n := range moves {
			if n > bound && !kept[to] {
				t.Errorf("%s → %s moved %v times of %v, above the bound, but not kept", tr.names[from], to, n, tr.stats.out[from])
			}
		}
	}
	if full < 50 {
		t.Fatalf("only %d categories filled their counters: the test does not exercise eviction", full)
	}
}

// A model is a snapshot: the trainer going on changes neither its rankings nor its file.
func TestModelIsASnapshot(t *testing.T) {
	events := readEvents(t, "rees46", rees46)
	tr, err := NewTrainer(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	half := len(events) / 2
	for _, e := range events[:half] {
		tr.Add(e.user, e.category, e.at)
	}
	m := tr.Model()
	h := []string{events[half].category}
	var before bytes.Buffer
	if err := Write(&before, m); err != nil {
		t.Fatal(err)
	}
	rank := m.Rank(h, 10, nil)
	for _, e := range events[half:] {
		tr.Add(e.user, e.category, e.at)
	}
	var after bytes.Buffer
	if err := Write(&after, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) || !reflect.DeepEqual(rank, m.Rank(h, 10, nil)) {
		t.Fatal("the model changed as its trainer went on")
	}
	if later := tr.Model(); later.Version() == m.Version() || later.Card().Events != len(events) {
		t.Fatalf("the later model has version %s (the snapshot's %s) and %d events", later.Version(), m.Version(), later.Card().Events)
	}
}

// Rank is safe from many goroutines and ranks as it does from one.
func TestRankConcurrently(t *testing.T) {
	events := readEvents(t, "rees46", rees46)
	m := train(t, DefaultConfig(), events)
	want := make([][]Scored, len(events))
	for i, e := range events {
		want[i] = m.Rank([]string{e.category, "not a category"}, 5, nil)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < len(events); i += 4 {
				if got := m.Rank([]string{events[i].category, "not a category"}, 5, nil); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("event %d: ranked %v concurrently, %v alone", i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
