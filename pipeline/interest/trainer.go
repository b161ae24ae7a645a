package interest

import (
	"fmt"
	"time"
)

// Trainer learns a model from interest events in one pass. Each event is first predicted from
// the statistics so far and the shopper's latest events, the ranker takes a gradient step
// towards the category that came, and only then do the statistics count it: the ranker never
// learns from an event it has already counted. A Trainer is used by one goroutine at a time.
type Trainer struct {
	cfg     Config
	names   []string
	ids     map[string]uint32
	stats   stats
	users   map[string]*State
	w       [numFeatures]float64
	wMove   [numFeatures]float64 // the ranker of moves, see learn
	g2Move  [numFeatures]float64 // its squared gradients so far (AdaGrad)
	scratch *candidates
	groups  *Groups

	events, steps, moveSteps int
	from, until              time.Time
	started                  time.Time
}

// TrainerOption changes how a Trainer is built.
type TrainerOption func(*Trainer)

// WithGroups makes the model carry g: its categories are then g's group names, which the
// trainer's caller gives Add for products without a category (Groups.Place).
func WithGroups(g *Groups) TrainerOption { return func(t *Trainer) { t.groups = g } }

// NewTrainer returns a trainer with no events yet.
func NewTrainer(cfg Config, opts ...TrainerOption) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("interest model: %w", err)
	}
	t := &Trainer{
		cfg:     cfg,
		ids:     make(map[string]uint32),
		users:   make(map[string]*State),
		w:       initialWeights(),
		wMove:   initialWeights(),
		scratch: &candidates{},
		started: time.Now(),
	}
	for _, o := range opts {
		o(t)
	}
	return t, nil
}

// Add takes one interest event; events come in event-time order. Memory grows with the
// category vocabulary (and a fixed-size State per shopper), never with the event count.
// An event without a shopper or a category is ignored.
func (t *Trainer) Add(user, category string, at time.Time) {
	if user == "" || category == "" {
		return
	}
	id := t.intern(category)
	st := t.users[user]
	if st == nil {
		st = new(State)
		t.users[user] = st
	}
	last, seen := st.Last()
	if seen {
		t.learn(st, id)
	}
	t.stats.engage(id, t.cfg.Popular)
	if seen && last != id {
		t.stats.move(last, id, t.cfg.SuccessorSlots)
		for i := range st.Len() {
			if a, _, _ := st.Entry(i); a != id {
				t.stats.cooccur(a, id, t.cfg.SuccessorSlots)
			}
		}
	}
	st.Observe(id, float32(t.cfg.Decay))

	if t.events == 0 || at.Before(t.from) {
		t.from = at
	}
	if at.After(t.until) {
		t.until = at
	}
	t.events++
}

// learn predicts the next category for a shopper in state st and steps towards next, when it
// is among the candidates (when it is not, no weighting of these features could have ranked it).
// When next is a move, outside the shopper's latest RecentDistinct categories, the ranker of
// moves steps too, on the candidates for moves less those latest ones: it learns where
// shoppers go when they leave what they were looking at, as RankMoves is asked.
func (t *Trainer) learn(st *State, next uint32) {
	c := t.scratch
	c.gather(&t.stats, &t.cfg, st, len(t.names), false)
	if pos, ok := c.find(next); ok {
		c.score(&t.w, 0)
		c.step(&t.w, pos, 0, t.cfg.LearningRate)
		t.steps++
	}
	from := min(t.cfg.RecentDistinct, st.Len())
	for i := range from {
		if id, _, _ := st.Entry(i); id == next {
			return // not a move
		}
	}
	c.addRelated(&t.stats, &t.cfg)
	if pos, ok := c.find(next); ok {
		c.score(&t.wMove, from)
		c.stepAdaptive(&t.wMove, &t.g2Move, pos, from, t.cfg.MoveLearningRate)
		t.moveSteps++
	}
}

// intern returns category's id, adding it to the vocabulary.
func (t *Trainer) intern(category string) uint32 {
	id, ok := t.ids[category]
	if !ok {
		id = uint32(len(t.names))
		t.names = append(t.names, category)
		t.ids[category] = id
		t.stats.grow(id)
	}
	return id
}

// Model returns a snapshot of what the trainer has learned so far; the trainer may go on.
func (t *Trainer) Model() *Model {
	m := &Model{
		cfg:       t.cfg,
		names:     append([]string(nil), t.names...),
		stats:     t.stats.freeze(t.cfg.Successors),
		w:         t.w,
		wMove:     t.wMove,
		groups:    t.groups,
		moveSteps: t.moveSteps,
		events:    t.events,
		users:     len(t.users),
		steps:     t.steps,
		from:      t.from,
		until:     t.until,
	}
	m.index()
	m.trainedIn = time.Since(t.started)
	return m
}
