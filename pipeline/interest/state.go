package interest

import "math"

// StateSize is how many distinct categories a State remembers.
const StateSize = 8

// MaxDecayed is the largest decayed count a State holds.
const MaxDecayed = float32(math.MaxUint16) / decayedScale

// decayedScale is the fixed point of a State's decayed counts: a count d is kept as
// round(d·decayedScale) in 16 bits, so up to 16 (the most a decay of 15/16 sums to) at a
// resolution of 1/4096, in half the bytes of a float.
const decayedScale = 4096

// State is the model's whole view of one shopper: their latest StateSize distinct categories,
// latest first, each with its decayed and its plain event count. It is a fixed-size value with
// no pointers, so a profile embeds it and training keeps one per shopper: memory per shopper is
// the same whatever the shopper does. The trainer and a live stage update it with the same
// Observe, so the model scores under the conditions it was trained under.
//
// Ids are the model's category ids (Model.ID); a caller may number categories the model does
// not know from Model.Vocabulary() up (see Model.Rank).
type State struct {
	ids     [StateSize]uint32
	decayed [StateSize]uint16 // Σ decay^(events since) over the shopper's events on it, fixed point
	counts  [StateSize]uint8  // the shopper's events on it since it entered the state, up to 255
	n       uint8
}

// Observe counts one event on category id: every decayed count loses a factor decay, id moves
// to the front with one more event, and a category new to the state pushes out the one seen
// longest ago when the state is full.
func (s *State) Observe(id uint32, decay float32) {
	for i := range s.decayed[:s.n] {
		s.decayed[i] = fixed(float32(s.decayed[i]) * decay)
	}
	i := 0
	for i < int(s.n) && s.ids[i] != id {
		i++
	}
	d, c := uint16(0), uint8(0)
	switch {
	case i < int(s.n):
		d, c = s.decayed[i], s.counts[i]
	case s.n < StateSize:
		s.n++
	default:
		i = StateSize - 1 // the one seen longest ago makes room
	}
	copy(s.ids[1:i+1], s.ids[:i])
	copy(s.decayed[1:i+1], s.decayed[:i])
	copy(s.counts[1:i+1], s.counts[:i])
	s.ids[0], s.decayed[0], s.counts[0] = id, min(d, math.MaxUint16-decayedScale)+decayedScale, min(c, 254)+1
}

// fixed rounds v, in units of 1/decayedScale, to 16 bits.
func fixed(v float32) uint16 { return uint16(min(v+0.5, math.MaxUint16)) }

// Len is how many categories the state holds.
func (s *State) Len() int { return int(s.n) }

// Last is the category of the latest event; ok is false for an empty state.
func (s *State) Last() (id uint32, ok bool) { return s.ids[0], s.n > 0 }

// Entry returns the i-th category, latest first, with its decayed and plain counts.
func (s *State) Entry(i int) (id uint32, decayed float32, count uint8) {
	return s.ids[i], float32(s.decayed[i]) / decayedScale, s.counts[i]
}

// Append adds a category after the ones held, as the least recent: how a stage restores a
// state it wrote out entry by entry. It reports false, changing nothing, when the state is full
// or holds id already.
func (s *State) Append(id uint32, decayed float32, count uint8) bool {
	if s.n == StateSize {
		return false
	}
	for _, x := range s.ids[:s.n] {
		if x == id {
			return false
		}
	}
	s.ids[s.n], s.decayed[s.n], s.counts[s.n] = id, fixed(decayed*decayedScale), count
	s.n++
	return true
}
