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

// BenchmarkRank ranks the top 10 for Taobao shoppers' histories of up to History events.
func BenchmarkRank(b *testing.B) {
	events := readEvents(b, "taobao", taobao)
	m := train(b, DefaultConfig(), events)
	recent := map[string][]string{}
	var histories [][]string
	for _, e := range events {
		h := recent[e.user]
		if len(h) > 0 && len(histories) < 4096 {
			histories = append(histories, h[max(0, len(h)-DefaultConfig().History):])
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
