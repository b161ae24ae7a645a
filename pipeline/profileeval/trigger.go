package profileeval

import "fmt"

// Triggers scores the moments an ad would be sent: the shift detector's shifts against a timer
// firing every K events of each shopper and one firing every T minutes of its event time, K
// and T chosen so each sends about as many ads as the shifts. Only ads on scored events (after
// the guard) count.
type Triggers struct {
	Shift        Trigger `json:"shift"`
	TimerEvents  Trigger `json:"timer_events"`
	TimerMinutes Trigger `json:"timer_minutes"`
}

// Trigger is what a trigger's ads did. Each ad claims a category: the shift's top category, or
// the profile's top category when a timer fires.
//   - precision: of the ads after which the shopper did anything more (scored), the share
//     whose next Data.ConfirmEvents categorised events fall at least half in its category;
//   - novelty: of the ads that claim a category, the share whose category the same trigger had
//     not advertised to that shopper in the previous 24 h of event time (ads before the guard
//     count as advertised);
//   - coverage: of the shoppers' new interests (see interest) starting after the guard, the
//     share that got an ad in their category while the shopper was on them, at one of the
//     run's events;
//   - timeliness_events: over the covered interests, the mean position in the run of the
//     event the first such ad came after (1: right after the interest's first event).
//
// CI95 holds each figure's bootstrap 95% interval over shoppers.
type Trigger struct {
	Ads              int                   `json:"ads"`
	Scored           int                   `json:"scored"`
	Confirmed        int                   `json:"confirmed"`
	Precision        float64               `json:"precision"`
	Novelty          float64               `json:"novelty"`
	TimelinessEvents float64               `json:"timeliness_events"`
	Coverage         float64               `json:"coverage"`
	Interests        int                   `json:"new_interests"`
	Covered          int                   `json:"covered"`
	CI95             map[string][2]float64 `json:"ci95,omitempty"`
	EveryKEvents     int                   `json:"every_k_events,omitempty"`
	EveryTMinutes    int                   `json:"every_t_minutes,omitempty"`
	ByReason         map[string]Trigger    `json:"by_reason,omitempty"`
	// VsBestTimer is, on the shift only, its precision and coverage minus the best timer's on
	// each (best by point estimate), with the bootstrap interval of the difference on the same
	// resamples of shoppers.
	VsBestTimer map[string]Difference `json:"vs_best_timer,omitempty"`
}

// ad is one ad a trigger sends: after the shopper's event at, claiming cat.
type ad struct {
	at  int
	cat string
}

// schedule is a trigger's ads, per shopper, in the order they were sent.
type schedule map[*shopper][]ad

// count is how many of the ads fall after the guard.
func (s schedule) count() int {
	n := 0
	for u, ads := range s {
		for _, a := range ads {
			if a.at >= u.from {
				n++
			}
		}
	}
	return n
}

// triggerMetrics are a trigger's figures, in report order.
var triggerMetrics = [...]string{"precision", "novelty", "timeliness_events", "coverage"}

// ratios is one shopper's tally of a trigger: per figure, its numerator and denominator.
type ratios [len(triggerMetrics)][2]float64

func (r *ratios) add(o ratios, w float64) {
	for m := range r {
		r[m][0] += w * o[m][0]
		r[m][1] += w * o[m][1]
	}
}

func (r ratios) figure(m int) float64 {
	if r[m][1] == 0 {
		return 0
	}
	return r[m][0] / r[m][1]
}

func (e *evaluator) triggers(resamples int) Triggers {
	shifts := schedule{}
	byReason := map[string]schedule{}
	for _, sh := range e.shifts {
		u := e.users[sh.user]
		a := ad{at: sh.at, cat: sh.top}
		shifts[u] = append(shifts[u], a)
		if byReason[sh.reason] == nil {
			byReason[sh.reason] = schedule{}
		}
		byReason[sh.reason][u] = append(byReason[sh.reason][u], a)
	}
	target := shifts.count()
	k := fitTimer(target, maxTimerEvents, e.everyEvents)
	t := fitTimer(target, maxTimerMinutes, e.everyMinutes)
	var shiftT, eventsT, minutesT []ratios
	out := Triggers{}
	out.Shift, shiftT = e.scoreTrigger(shifts, resamples)
	out.TimerEvents, eventsT = e.scoreTrigger(e.everyEvents(k), resamples)
	out.TimerMinutes, minutesT = e.scoreTrigger(e.everyMinutes(t), resamples)
	if resamples > 0 && len(e.shoppers) > 0 {
		out.Shift.VsBestTimer = vsBestTimer(shiftT, []timerTallies{
			{"timer_events", out.TimerEvents, eventsT}, {"timer_minutes", out.TimerMinutes, minutesT}}, resamples)
	}
	out.TimerEvents.EveryKEvents = k
	out.TimerMinutes.EveryTMinutes = t
	out.Shift.ByReason = make(map[string]Trigger, len(byReason))
	for reason, s := range byReason {
		out.Shift.ByReason[reason], _ = e.scoreTrigger(s, 0)
	}
	return out
}

// scoreTrigger scores a schedule of ads, with intervals from resamples of shoppers (none at 0),
// and returns each shopper's tally beside it, in the order of e.shoppers.
func (e *evaluator) scoreTrigger(s schedule, resamples int) (Trigger, []ratios) {
	var out Trigger
	tallies := make([]ratios, len(e.shoppers))
	var total ratios
	for i, u := range e.shoppers {
		ads := s[u]
		out.Ads += e.tallyAds(&tallies[i], u, ads)
		tallyInterests(&tallies[i], u, ads)
		total.add(tallies[i], 1)
	}
	out.Scored, out.Confirmed = int(total[0][1]), int(total[0][0])
	out.Interests, out.Covered = int(total[3][1]), int(total[3][0])
	out.Precision, out.Novelty = total.figure(0), total.figure(1)
	out.TimelinessEvents, out.Coverage = total.figure(2), total.figure(3)
	if resamples == 0 || len(e.shoppers) == 0 {
		return out, tallies
	}
	out.CI95 = triggerIntervals(tallies, resamples)
	return out, tallies
}

// tallyAds adds the shopper's scored ads to r's precision and novelty and returns how many there were.
func (e *evaluator) tallyAds(r *ratios, u *shopper, ads []ad) int {
	n := 0
	for j, a := range ads {
		if a.at < u.from {
			continue
		}
		n++
		if scored, ok := e.confirmed(u.cats[a.at+1:], a.cat); scored {
			r[0][1]++
			if ok {
				r[0][0]++
			}
		}
		if a.cat != "" {
			r[1][1]++
			if !advertised(u, ads[:j], a) {
				r[1][0]++
			}
		}
	}
	return n
}

// tallyInterests adds the shopper's new interests after the guard to r's coverage and timeliness.
func tallyInterests(r *ratios, u *shopper, ads []ad) {
	for _, in := range newInterests(u.cats) {
		if in.start < u.from {
			continue
		}
		r[3][1]++
		for _, a := range ads {
			if a.cat == in.cat && in.start <= a.at && a.at < in.end {
				r[3][0]++
				r[2][0] += float64(a.at - in.start + 1)
				r[2][1]++
				break
			}
		}
	}
}

// triggerIntervals is each trigger figure's bootstrap 95% interval over resamples of the shoppers' tallies.
func triggerIntervals(tallies []ratios, resamples int) map[string][2]float64 {
	boot := make([][]float64, len(triggerMetrics))
	for m := range boot {
		boot[m] = make([]float64, resamples)
	}
	resample(len(tallies), resamples, func(r int, w []float64) {
		var acc ratios
		for i := range tallies {
			if w[i] > 0 {
				acc.add(tallies[i], w[i])
			}
		}
		for m := range boot {
			boot[m][r] = acc.figure(m)
		}
	})
	ci := make(map[string][2]float64, len(triggerMetrics))
	for m, name := range triggerMetrics {
		ci[name] = interval(boot[m])
	}
	return ci
}

// advertised reports whether one of the earlier ads claimed a's category within the day of
// event time before it.
func advertised(u *shopper, earlier []ad, a ad) bool {
	for _, b := range earlier {
		if b.cat == a.cat && u.at[a.at]-u.at[b.at] < dayMillis {
			return true
		}
	}
	return false
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

// timerName is how text output names a timer.
func (s Trigger) timerName() string {
	if s.EveryTMinutes > 0 {
		return fmt.Sprintf("every %d minutes", s.EveryTMinutes)
	}
	return fmt.Sprintf("every %d events", s.EveryKEvents)
}
