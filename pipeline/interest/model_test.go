package interest

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// The shared real data (see ../../../shared/data/README.md for sources and terms).
const (
	taobao = "../../../shared/data/taobao/UserBehavior_first815users.csv"
	rees46 = "../../../shared/data/rees46/2019-Oct_head17434.csv"
)

// event is one interest event as the trainer takes it.
type event struct {
	user, category string
	at             time.Time
}

// readEvents reads a dataset's events with a category, in event-time order.
func readEvents(t testing.TB, format, file string) []event {
	t.Helper()
	evs, _, err := dataset.ReadAll(format, file)
	if err != nil {
		t.Fatal(err)
	}
	var out []event
	for i := range evs {
		if c := category(&evs[i]); c != "" {
			out = append(out, event{evs[i].User(), c, evs[i].Timestamp})
		}
	}
	return out
}

// category is the event's own category, else its first product's: what the features stage
// reads (the shared datasets' paths need no cleaning). The stage's own function cannot be
// called here, since the stage imports this package.
func category(ev *schemas.Event) string {
	if ev.Properties.Category != "" {
		return ev.Properties.Category
	}
	for _, it := range ev.Properties.Products {
		if it.Category != "" {
			return it.Category
		}
	}
	return ""
}

// train trains a model with cfg on events.
func train(t testing.TB, cfg Config, events []event) *Model {
	t.Helper()
	tr, err := NewTrainer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		tr.Add(e.user, e.category, e.at)
	}
	return tr.Model()
}

// hits is how often a predictor's top 1 and top 3 hold the next category.
type hits struct{ at1, at3, n int }

func (h *hits) add(ranked []string, next string) {
	h.n++
	for i, c := range ranked[:min(3, len(ranked))] {
		if c == next {
			h.at3++
			if i == 0 {
				h.at1++
			}
		}
	}
}

func (h hits) rate1() float64 { return float64(h.at1) / float64(h.n) }
func (h hits) rate3() float64 { return float64(h.at3) / float64(h.n) }

// heldOut trains on the first 70% of events by time and scores the next category of every
// later event of a shopper with a history, for the model, the popularity ranking of the
// training span and the shopper's own latest distinct categories, latest first.
func heldOut(t *testing.T, events []event) (model, popular, last hits) {
	t.Helper()
	cut := len(events) * 7 / 10
	m := train(t, DefaultConfig(), events[:cut])
	var pop []string
	for _, s := range m.Rank(nil, 3, nil) {
		pop = append(pop, s.Category)
	}
	recent := map[string][]string{}
	for i, e := range events {
		h := recent[e.user]
		if i >= cut && len(h) > 0 {
			var top []string
			for _, s := range m.Rank(h, 3, nil) {
				top = append(top, s.Category)
			}
			model.add(top, e.category)
			popular.add(pop, e.category)
			last.add(latestDistinct(h, 3), e.category)
		}
		recent[e.user] = append(h, e.category)
	}
	return model, popular, last
}

// latestDistinct returns up to n distinct categories of h, latest first.
func latestDistinct(h []string, n int) []string {
	var out []string
	for j := len(h) - 1; j >= 0 && len(out) < n; j-- {
		if !slices.Contains(out, h[j]) {
			out = append(out, h[j])
		}
	}
	return out
}

func TestModelBeatsBaselinesOnLaterEvents(t *testing.T) {
	for _, d := range []struct{ format, file string }{{"taobao", taobao}, {"rees46", rees46}} {
		t.Run(d.format, func(t *testing.T) {
			model, popular, last := heldOut(t, readEvents(t, d.format, d.file))
			t.Logf("%d held-out events: hit@1, hit@3 of the model %.4f %.4f; popular %.4f %.4f; the shopper's latest %.4f %.4f",
				model.n, model.rate1(), model.rate3(), popular.rate1(), popular.rate3(), last.rate1(), last.rate3())
			if model.n < 1000 {
				t.Fatalf("only %d held-out events scored", model.n)
			}
			if model.at3 <= popular.at3 || model.at1 <= popular.at1 {
				t.Errorf("model hit@1 %.3f hit@3 %.3f, not above popularity's %.3f %.3f",
					model.rate1(), model.rate3(), popular.rate1(), popular.rate3())
			}
			// Transitions earn their place in the top 3: above the shopper's own latest three.
			if model.at3 <= last.at3 {
				t.Errorf("model hit@3 %.4f, not above the shopper's latest 3 categories' %.4f", model.rate3(), last.rate3())
			}
		})
	}
}

// TestRankMovesBeatsTransitionsOnLaterMoves: for later events that leave the shopper's latest
// RecentDistinct categories, the ranker of moves names the category in its top 3 more often
// than the main ranking does with those categories excluded, and more often than the
// transition table of the latest category, and never names one of those latest categories.
func TestRankMovesBeatsTransitionsOnLaterMoves(t *testing.T) {
	for _, d := range []struct{ format, file string }{{"taobao", taobao}, {"rees46", rees46}} {
		t.Run(d.format, func(t *testing.T) {
			events := readEvents(t, d.format, d.file)
			cut := len(events) * 7 / 10
			cfg := DefaultConfig()
			m := train(t, cfg, events[:cut])
			next := map[string]map[string]int{} // the training span's next categories
			recent := map[string][]string{}
			var moves, main, transition hits
			for i, e := range events {
				h := recent[e.user]
				latest := latestDistinct(h, cfg.RecentDistinct)
				if i >= cut && len(h) > 0 && !slices.Contains(latest, e.category) {
					exclude := func(c string) bool { return slices.Contains(latest, c) }
					var got, base []string
					for _, s := range m.RankMoves(h, 3, exclude) {
						if exclude(s.Category) {
							t.Fatalf("history %v: a move to its latest category %q", h, s.Category)
						}
						got = append(got, s.Category)
					}
					for _, s := range m.Rank(h, 3, exclude) {
						base = append(base, s.Category)
					}
					moves.add(got, e.category)
					main.add(base, e.category)
					transition.add(topOf(next[h[len(h)-1]], 3, exclude), e.category)
				}
				if i < cut && len(h) > 0 && h[len(h)-1] != e.category {
					if next[h[len(h)-1]] == nil {
						next[h[len(h)-1]] = map[string]int{}
					}
					next[h[len(h)-1]][e.category]++
				}
				recent[e.user] = append(h, e.category)
			}
			t.Logf("%d later moves: hit@3 of the ranker of moves %.4f, of the main ranking %.4f, of transitions %.4f",
				moves.n, moves.rate3(), main.rate3(), transition.rate3())
			if moves.n < 300 {
				t.Fatalf("only %d later moves scored", moves.n)
			}
			if moves.at3 <= main.at3 || moves.at3 <= transition.at3 {
				t.Errorf("ranker of moves hit@3 %.4f, not above the main ranking's %.4f and transitions' %.4f",
					moves.rate3(), main.rate3(), transition.rate3())
			}
		})
	}
}

// topOf returns the k most counted categories of counts that exclude rejects not, ties by name.
func topOf(counts map[string]int, k int, exclude func(string) bool) []string {
	var cats []string
	for c := range counts {
		if !exclude(c) {
			cats = append(cats, c)
		}
	}
	slices.SortFunc(cats, func(a, b string) int { return cmp.Or(counts[b]-counts[a], strings.Compare(a, b)) })
	return cats[:min(k, len(cats))]
}
