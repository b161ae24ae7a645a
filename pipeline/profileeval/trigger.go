package profileeval

import "fmt"

// Triggers scores the moments an ad would be sent: the shift detector's shifts against a timer
// firing every K events of each shopper, with K chosen so it fires about as often. Only
// triggers on scored events (after the guard) count.
type Triggers struct {
	Shift       Trigger `json:"shift"`
	TimerEvents Trigger `json:"timer_events"`
}

// Trigger counts the ads a trigger would send and how many of them the shopper's next events
// confirmed: at least half of the next Data.ConfirmEvents events with a category fall in the
// profile's top category at the trigger. Ads after which the shopper did nothing more are not
// scored.
type Trigger struct {
	Ads          int                `json:"ads"`
	Scored       int                `json:"scored"`
	Confirmed    int                `json:"confirmed"`
	Precision    float64            `json:"precision"`
	EveryKEvents int                `json:"every_k_events,omitempty"`
	ByReason     map[string]Trigger `json:"by_reason,omitempty"`
}

func (e *evaluator) triggers() Triggers {
	shift := Trigger{ByReason: map[string]Trigger{}}
	for _, sh := range e.shifts {
		u := e.users[sh.user]
		if sh.at < u.from {
			continue
		}
		scored, ok := e.confirmed(u.cats[sh.at+1:], sh.top)
		shift.add(scored, ok)
		b := shift.ByReason[sh.reason]
		b.add(scored, ok)
		shift.ByReason[sh.reason] = b.done()
	}
	return Triggers{Shift: shift.done(), TimerEvents: e.timer(shift.Ads)}
}

// timer scores a trigger that fires at every k-th event with a category of each shopper and
// claims the profile's top category then, with k chosen so it fires about as often as target.
func (e *evaluator) timer(target int) Trigger {
	each := func(k int, fn func(u *shopper, at int)) {
		for _, u := range e.shoppers {
			for at := k - 1; at < len(u.cats); at += k {
				if at >= u.from {
					fn(u, at)
				}
			}
		}
	}
	best, bestDiff := 1, -1
	for k := 1; k <= 1000; k++ {
		n := 0
		each(k, func(*shopper, int) { n++ })
		if d := abs(n - target); bestDiff < 0 || d < bestDiff {
			best, bestDiff = k, d
		}
	}
	s := Trigger{EveryKEvents: best}
	each(best, func(u *shopper, at int) { s.add(e.confirmed(u.cats[at+1:], u.tops[at])) })
	return s.done()
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// confirmed reports whether the next events confirm top, and whether there were any to score.
func (e *evaluator) confirmed(next []string, top string) (scored, ok bool) {
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

func (s *Trigger) add(scored, ok bool) {
	s.Ads++
	if scored {
		s.Scored++
	}
	if ok {
		s.Confirmed++
	}
}

func (s Trigger) done() Trigger {
	if s.Scored > 0 {
		s.Precision = float64(s.Confirmed) / float64(s.Scored)
	}
	return s
}

// timerName is how text output names the timer.
func (s Trigger) timerName() string { return fmt.Sprintf("every %d events", s.EveryKEvents) }
