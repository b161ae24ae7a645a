package interest

import (
	"math"
	"testing"
)

// A live stage's Ranker and offline evaluation's Rank give the same head, in the same order
// (ties by id), with the same probabilities: what profile-eval measures is what runs.
func TestRankerAgreesWithRank(t *testing.T) {
	events := readEvents(t, "taobao", taobao)
	m := train(t, DefaultConfig(), events[:len(events)/2])
	r := m.Ranker()
	recent := map[string][]string{}
	states := map[string]*State{}
	unknown := map[string]uint32{}
	var top, probs []Ranked
	checked := 0
	for _, e := range events[len(events)/2:][:5000] {
		st := states[e.user]
		if st == nil {
			st = new(State)
			states[e.user] = st
		}
		if h := recent[e.user]; len(h) > 0 {
			top = r.Top(top[:0], st, m.Vocabulary()+len(unknown), 5)
			probs = r.Probabilities(probs[:0])
			want := m.Rank(h, 5, nil)
			if len(want) != len(top) {
				t.Fatalf("Rank gave %d, Top %d", len(want), len(top))
			}
			for i, w := range want {
				got := ""
				if int(top[i].ID) < m.Vocabulary() {
					got = m.Category(top[i].ID)
				} else {
					for name, id := range unknown {
						if id == top[i].ID {
							got = name
						}
					}
				}
				if got != w.Category || math.Abs(probs[i].Score-w.Score) > 1e-9 {
					t.Fatalf("after %v: Rank %v, Ranker %v / %v", h, want, top, probs)
				}
			}
			checked++
		}
		id, ok := m.ID(e.category)
		if !ok {
			if id, ok = unknown[e.category]; !ok {
				id = uint32(m.Vocabulary() + len(unknown))
				unknown[e.category] = id
			}
		}
		st.Observe(id, m.Decay())
		recent[e.user] = append(recent[e.user], e.category)
	}
	if checked < 3000 {
		t.Fatalf("only %d rankings compared", checked)
	}
}
