package profileeval

import (
	"fmt"
	"maps"
	"slices"
)

// Report is what an evaluation found.
type Report struct {
	Events        int            `json:"events"`
	Users         int            `json:"users"`
	NoCategory    int            `json:"events_without_category"`
	DeadLetters   map[string]int `json:"dead_letters"`
	ScoredEvents  int            `json:"scored_events"` // events with a category by a shopper seen before
	HitRates      []HitRate      `json:"next_category_hit_rate"`
	Shifts        ShiftScore     `json:"shifts"`
	ShiftsByKind  []ShiftScore   `json:"shifts_by_reason"`
	Naive         ShiftScore     `json:"naive_trigger"`
	NaiveEvery    int            `json:"naive_every_k_events"`
	ConfirmEvents int            `json:"confirm_next_events"`
	UserDays      int            `json:"active_user_days"`
	ShiftsPerDay  float64        `json:"shifts_per_active_user_day"`
}

// HitRate is how often a predictor's first (and first three) guesses named the next category.
type HitRate struct {
	Predictor string  `json:"predictor"`
	At1       float64 `json:"at1"`
	At3       float64 `json:"at3"`
}

// ShiftScore counts triggers and how many of them the shopper's next events confirmed: at least
// half of the next ConfirmEvents events with a category fall in the trigger's top category.
// Triggers after which the shopper did nothing more are not scored.
type ShiftScore struct {
	Name      string  `json:"name"`
	Triggers  int     `json:"triggers"`
	Scored    int     `json:"scored"`
	Confirmed int     `json:"confirmed"`
	Precision float64 `json:"precision"`
}

// Report scores everything added so far.
func (e *Evaluator) Report() Report {
	r := Report{
		Events:        e.events,
		Users:         len(e.users),
		NoCategory:    e.noCat,
		DeadLetters:   maps.Clone(e.failure),
		ScoredEvents:  e.scored,
		ConfirmEvents: e.confirm,
		UserDays:      len(e.days),
	}
	for pred := range predictors {
		r.HitRates = append(r.HitRates, HitRate{
			Predictor: predictorNames[pred],
			At1:       ratio(e.hits[pred][0], e.scored),
			At3:       ratio(e.hits[pred][1], e.scored),
		})
	}
	r.Shifts = ShiftScore{Name: "shifts"}
	byReason := map[string]*ShiftScore{}
	for _, sh := range e.shifts {
		u := e.users[sh.user]
		scored, ok := e.confirmed(u.cats[sh.at+1:], sh.top)
		r.Shifts.add(scored, ok)
		b := byReason[sh.reason]
		if b == nil {
			b = &ShiftScore{Name: sh.reason}
			byReason[sh.reason] = b
		}
		b.add(scored, ok)
	}
	for _, reason := range slices.Sorted(maps.Keys(byReason)) {
		r.ShiftsByKind = append(r.ShiftsByKind, byReason[reason].done())
	}
	r.Shifts = r.Shifts.done()
	r.NaiveEvery, r.Naive = e.naive(len(e.shifts))
	if r.UserDays > 0 {
		r.ShiftsPerDay = float64(len(e.shifts)) / float64(r.UserDays)
	}
	return r
}

// naive scores a trigger that fires at every k-th event with a category of each shopper and
// claims the profile's top category then, with k chosen so it fires about as often as the
// shift detector did.
func (e *Evaluator) naive(target int) (int, ShiftScore) {
	count := func(k int) int {
		n := 0
		for _, u := range e.users {
			n += len(u.cats) / k
		}
		return n
	}
	best, bestDiff := 1, -1
	for k := 1; k <= 1000; k++ {
		d := count(k) - target
		if d < 0 {
			d = -d
		}
		if bestDiff < 0 || d < bestDiff {
			best, bestDiff = k, d
		}
	}
	s := ShiftScore{Name: fmt.Sprintf("every %d events", best)}
	for _, u := range e.users {
		for at := best - 1; at < len(u.cats); at += best {
			s.add(e.confirmed(u.cats[at+1:], u.tops[at]))
		}
	}
	return best, s.done()
}

// confirmed reports whether the next events confirm top, and whether there were any to score.
func (e *Evaluator) confirmed(next []string, top string) (scored, ok bool) {
	next = next[:min(e.confirm, len(next))]
	if len(next) == 0 || top == "" {
		return false, false
	}
	in := 0
	for _, c := range next {
		if c == top {
			in++
		}
	}
	return true, 2*in >= len(next)
}

func (s *ShiftScore) add(scored, ok bool) {
	s.Triggers++
	if scored {
		s.Scored++
	}
	if ok {
		s.Confirmed++
	}
}

func (s ShiftScore) done() ShiftScore {
	s.Precision = ratio(s.Confirmed, s.Scored)
	return s
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}
