package interest

import "testing"

// BenchmarkTrain reports training events/s on the Taobao sample.
func BenchmarkTrain(b *testing.B) {
	events := readEvents(b, "taobao", taobao)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		tr, err := NewTrainer(DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range events {
			tr.Add(e.user, e.category, e.at)
		}
		n += len(events)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRank ranks the top 10 by name for Taobao shoppers' histories, as offline
// evaluation does (the history observed into a State first).
func BenchmarkRank(b *testing.B) {
	events := readEvents(b, "taobao", taobao)
	m := train(b, DefaultConfig(), events)
	recent := map[string][]string{}
	var histories [][]string
	for _, e := range events {
		h := recent[e.user]
		if len(h) > 0 && len(histories) < 4096 {
			histories = append(histories, h[max(0, len(h)-64):])
		}
		recent[e.user] = append(h, e.category)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Rank(histories[i%len(histories)], 10, nil)
		i++
	}
}

// BenchmarkRankerTop is what a live stage pays per event with a model: the top 5 for a
// shopper's State, scores renormalised over them; and with the probabilities over every
// candidate, paid only when a shift is published.
func BenchmarkRankerTop(b *testing.B) {
	events := readEvents(b, "taobao", taobao)
	m := train(b, DefaultConfig(), events)
	users := map[string]*State{}
	var states []State
	for _, e := range events {
		st := users[e.user]
		if st == nil {
			st = new(State)
			users[e.user] = st
		}
		id, _ := m.ID(e.category)
		st.Observe(id, m.Decay())
		if len(states) < 4096 {
			states = append(states, *st)
		}
	}
	for _, full := range []bool{false, true} {
		name := "top"
		if full {
			name = "probabilities"
		}
		b.Run(name, func(b *testing.B) {
			r := m.Ranker()
			dst := make([]Ranked, 0, 5)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				dst = r.Top(dst[:0], &states[i%len(states)], m.Vocabulary(), 5)
				if full {
					dst = r.Probabilities(dst[:0])
				}
				i++
			}
		})
	}
}
