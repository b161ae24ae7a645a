package interest

import (
	"slices"
	"sync"
	"time"
)

// Model is a trained interest model: frozen statistics and the ranker's weights. It is
// immutable, so one Model serves any number of goroutines.
type Model struct {
	cfg    Config
	names  []string
	ids    map[string]uint32
	stats  stats
	w      [numFeatures]float64
	wMove  [numFeatures]float64 // the ranker of moves (RankMoves)
	groups *Groups              // the products' interest groups, for data without categories; nil: none

	events, users, steps, moveSteps int
	from, until                     time.Time
	trainedIn                       time.Duration
	version                         string

	scratch sync.Pool // of *candidates, so that concurrent Rank calls share buffers
}

// Scored is a category with the model's probability that the shopper engages with it next.
type Scored struct {
	Category string
	Score    float64
}

// index builds the name lookup and the version from the fields.
func (m *Model) index() {
	m.ids = make(map[string]uint32, len(m.names))
	for i, n := range m.names {
		m.ids[n] = uint32(i)
	}
	m.version = versionOf(encodePayload(m))
	m.stats.index()
}

// Rank returns up to k categories the shopper is likely to engage with next, best first,
// skipping those exclude reports true (nil excludes none). recent is the shopper's categories,
// oldest first (events, not distinct): Rank observes them into a State as a live stage would.
//
// A score is the ranker's probability over all its candidates, excluded ones included, so
// scores do not change with what a caller excludes. Categories the model has never seen may
// be ranked from the shopper's own history; a shopper without one gets the popular categories.
func (m *Model) Rank(recent []string, k int, exclude func(category string) bool) []Scored {
	return m.rank(recent, k, exclude, &m.w, false)
}

// RankMoves is Rank for a shopper moving on: up to k categories outside the shopper's latest
// RecentDistinct distinct ones, ranked by the weights fitted only on such moves. A score is the
// probability among the candidates outside those latest categories.
func (m *Model) RankMoves(recent []string, k int, exclude func(category string) bool) []Scored {
	return m.rank(recent, k, exclude, &m.wMove, true)
}

// rank ranks by w, leaving out the latest RecentDistinct categories when moves.
func (m *Model) rank(recent []string, k int, exclude func(category string) bool, w *[numFeatures]float64, moves bool) []Scored {
	if k <= 0 {
		return nil
	}
	var st State
	var unknown []string // categories outside the vocabulary, numbered after it
	for _, name := range recent {
		id, ok := m.ids[name]
		if !ok {
			j := slices.Index(unknown, name)
			if j < 0 {
				j = len(unknown)
				unknown = append(unknown, name)
			}
			id = uint32(len(m.names) + j)
		}
		st.Observe(id, m.Decay())
	}
	c, _ := m.scratch.Get().(*candidates)
	if c == nil {
		c = &candidates{}
	}
	defer m.scratch.Put(c)
	c.gather(&m.stats, &m.cfg, &st, len(m.names)+len(unknown), moves)
	from := 0
	if moves {
		from = min(m.cfg.RecentDistinct, st.Len())
	}
	if from >= len(c.list) {
		return nil
	}
	c.score(w, from)
	// The best k by insertion into a sorted prefix: k is small beside the candidates. Ties go
	// to the lower id, as Ranker.Top breaks them, so both rank alike.
	better := func(i, j int) bool {
		return c.scores[i] > c.scores[j] || c.scores[i] == c.scores[j] && c.list[i].id < c.list[j].id
	}
	best := make([]int, 0, min(k, len(c.list)))
	for i := from; i < len(c.list); i++ {
		if len(best) == k && !better(i, best[k-1]) || exclude != nil && exclude(m.name(c.list[i].id, unknown)) {
			continue
		}
		if len(best) < k {
			best = append(best, i)
		} else {
			best[k-1] = i
		}
		for j := len(best) - 1; j > 0 && better(best[j], best[j-1]); j-- {
			best[j], best[j-1] = best[j-1], best[j]
		}
	}
	out := make([]Scored, len(best))
	for j, i := range best {
		out[j] = Scored{Category: m.name(c.list[i].id, unknown), Score: c.scores[i]}
	}
	return out
}

// name is the category of id, looking past the vocabulary into unknown.
func (m *Model) name(id uint32, unknown []string) string {
	if int(id) < len(m.names) {
		return m.names[id]
	}
	return unknown[int(id)-len(m.names)]
}

// Groups are the interest groups the model was trained with, which stand for categories where
// products have none; nil for a model of categorised data.
func (m *Model) Groups() *Groups {
	if m == nil {
		return nil
	}
	return m.groups
}

// Vocabulary is how many categories the model knows: their ids are 0 to Vocabulary()-1.
func (m *Model) Vocabulary() int { return len(m.names) }

// ID returns the model's id of category, and false for a category it does not know.
func (m *Model) ID(category string) (uint32, bool) {
	id, ok := m.ids[category]
	return id, ok
}

// Category returns the category of id, which must be below Vocabulary().
func (m *Model) Category(id uint32) string { return m.names[id] }

// Config is the settings the model was trained with.
func (m *Model) Config() Config { return m.cfg }

// Decay is the factor a State's decayed counts lose per event, for State.Observe.
func (m *Model) Decay() float32 { return float32(m.cfg.Decay) }

// Version is the content hash of the model file's payload: two models with the same version
// rank alike.
func (m *Model) Version() string { return m.version }
