package profileeval

import "sort"

// The longest periods a timer is fitted over: 1000 events, or 30 days in minutes.
const (
	maxTimerEvents  = 1000
	maxTimerMinutes = 30 * 24 * 60
)

// everyEvents is a timer firing after every k-th categorised event of each shopper, claiming
// the profile's top category then.
func (e *evaluator) everyEvents(k int) schedule {
	s := schedule{}
	for _, u := range e.shoppers {
		for at := k - 1; at < len(u.cats); at += k {
			s[u] = append(s[u], ad{at: at, cat: u.tops[at]})
		}
	}
	return s
}

// everyMinutes is a timer firing every t minutes of each shopper's event time: on the
// shopper's first categorised event at least t minutes after its previous firing (the first
// firing: after its first event), claiming the profile's top category then. It fires on an
// event because an ad reaches a shopper only when the shopper is there; the wait from firing
// to firing never shrinks as t grows, so over a whole history neither does the count of ads.
func (e *evaluator) everyMinutes(t int) schedule {
	s := schedule{}
	period := int64(t) * 60_000
	for _, u := range e.shoppers {
		if len(u.at) == 0 {
			continue
		}
		last := u.at[0]
		for at := 1; at < len(u.at); at++ {
			if u.at[at]-last >= period {
				s[u] = append(s[u], ad{at: at, cat: u.tops[at]})
				last = u.at[at]
			}
		}
	}
	return s
}

// fitTimer is the period, from 1 to most, whose timer sends the number of ads after the guard
// closest to target (the shorter period on a tie), found by bisection: the shortest period
// sending at most target, or the one before it. A longer period never fires more often over a
// shopper's whole history; after the guard it can, by a firing or two, when a longer period
// moves a firing from before the guard to after it, so on real data the count falls with the
// period up to such steps of a few ads, and bisection lands at the crossing of target.
func fitTimer(target, most int, timer func(period int) schedule) int {
	p := 1 + sort.Search(most, func(i int) bool { return timer(i+1).count() <= target })
	if p > most {
		return most
	}
	if p > 1 && timer(p-1).count()-target <= target-timer(p).count() {
		return p - 1
	}
	return p
}
