package interest

import (
	"cmp"
	"slices"
	"time"
)

// Model is a trained interest model: frozen statistics and the ranker's weights. It is
// immutable, so one Model serves any number of goroutines.
type Model struct {
	cfg   Config
	names []string
	ids   map[string]uint32
	stats stats
	w     [numFeatures]float64

	events, users, steps int
	from, until          time.Time
	trainedIn            time.Duration
	version              string
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
}

// Rank returns up to k categories the shopper is likely to engage with next, best first,
// skipping those exclude reports true (nil excludes none). recent is the shopper's categories,
// oldest first (events, not distinct; the model reads what it needs from the end).
//
// A score is the ranker's probability over all its candidates, excluded ones included, so
// scores do not change with what a caller excludes. Categories the model has never seen may
// be ranked from the shopper's own history; a shopper without one gets the popular categories.
func (m *Model) Rank(recent []string, k int, exclude func(category string) bool) []Scored {
	if k <= 0 {
		return nil
	}
	recent = recent[max(0, len(recent)-m.cfg.History):]
	h := make([]uint32, len(recent))
	var unknown []string // categories outside the vocabulary, numbered after it
	for i, name := range recent {
		id, ok := m.ids[name]
		if !ok {
			j := slices.Index(unknown, name)
			if j < 0 {
				j = len(unknown)
				unknown = append(unknown, name)
			}
			id = uint32(len(m.names) + j)
		}
		h[i] = id
	}
	c := newCandidates()
	c.gather(&m.stats, &m.cfg, h)
	c.score(&m.w)
	out := make([]Scored, 0, len(c.list))
	for i := range c.list {
		name := m.name(c.list[i].id, unknown)
		if exclude != nil && exclude(name) {
			continue
		}
		out = append(out, Scored{Category: name, Score: c.scores[i]})
	}
	slices.SortFunc(out, func(a, b Scored) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Category, b.Category))
	})
	return out[:min(k, len(out))]
}

// name is the category of id, looking past the vocabulary into unknown.
func (m *Model) name(id uint32, unknown []string) string {
	if int(id) < len(m.names) {
		return m.names[id]
	}
	return unknown[int(id)-len(m.names)]
}

// Version is the content hash of the model file's payload: two models with the same version
// rank alike.
func (m *Model) Version() string { return m.version }
