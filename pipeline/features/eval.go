package features

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Evaluator runs events through one features partition — the same decoder, profiles and shift
// detector as the stage, with no Kafka — and scores what it learns: how well a profile's top
// categories predict the shopper's next category, against simple baselines, and how often the
// shifts it fires are confirmed by what the shopper does next, against a naive trigger. Events
// go in the order they would arrive live (event time); it is not safe for concurrent use.
type Evaluator struct {
	proc    *processor
	out     *evalEmitter
	confirm int
	offset  int64

	users   map[string]*evalUser
	popular map[string]int // category → events so far, all users
	top3    []string       // the most popular categories so far, most popular first
	days    map[userDay]struct{}

	hits    [predictors][2]int // [predictor][@1, @3]
	scored  int
	events  int
	noCat   int
	failure map[string]int
	shifts  []evalShift
}

type userDay struct {
	user string
	day  int64
}

// evalUser is one shopper's history as the evaluation needs it.
type evalUser struct {
	cats   []string       // categories of the shopper's applied events, in order
	tops   []string       // the profile's top short-horizon category after each of them
	counts map[string]int // category → events
	recent []string       // the last three distinct categories, latest first
}

type evalShift struct {
	user   string
	at     int // index in the user's cats of the event that fired it
	reason string
	top    string
}

// Predictors of the next category, in report order.
const (
	predShort = iota
	predLong
	predLast
	predFrequent
	predPopular
	predictors
)

var predictorNames = [predictors]string{
	predShort:    "profile (short horizon)",
	predLong:     "profile (long horizon)",
	predLast:     "last categories seen",
	predFrequent: "user's most frequent",
	predPopular:  "globally most popular",
}

// NewEvaluator returns an evaluator of cfg. confirm is how many of a shopper's next events may
// confirm a shift.
func NewEvaluator(ctx context.Context, cfg Config, confirm int) (*Evaluator, error) {
	if confirm < 1 {
		return nil, fmt.Errorf("evaluate: confirm %d is below 1", confirm)
	}
	out := &evalEmitter{shiftsTopic: cfg.ShiftsTopic, dlqTopic: cfg.DLQTopic}
	s, err := New(cfg, out, nil, nil)
	if err != nil {
		return nil, err
	}
	proc, err := s.Open(ctx, cfg.ClickstreamTopic, 0)
	if err != nil {
		return nil, err
	}
	return &Evaluator{
		proc:    proc.(*processor),
		out:     out,
		confirm: confirm,
		users:   make(map[string]*evalUser),
		popular: make(map[string]int),
		days:    make(map[userDay]struct{}),
		failure: make(map[string]int),
	}, nil
}

// Add scores the predictions for ev, then runs it through the partition as its next record.
func (e *Evaluator) Add(ctx context.Context, ev schemas.Event) error {
	value, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("evaluate: encode event %s: %w", ev.MessageID, err)
	}
	e.events++
	user := ev.User()
	cat := eventCategory(&ev)
	u := e.users[user]
	if u != nil && cat != "" && len(u.cats) > 0 {
		e.predict(user, u, cat)
	}
	prof := e.proc.profiles[user]
	before := uint32(0)
	if prof != nil {
		before = prof.events
	}

	rec := pipeline.Record{Topic: e.proc.topic, Offset: e.offset, Key: []byte(user), Value: value, Timestamp: ev.Timestamp}
	e.offset++
	e.out.reset()
	if err := e.proc.Process(ctx, []pipeline.Record{rec}); err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	for _, kind := range e.out.failures {
		e.failure[kind]++
	}
	prof = e.proc.profiles[user]
	if prof == nil || prof.events == before {
		return nil // dead-lettered, skipped or a repeat: the profile did not see it
	}
	e.days[userDay{user, ev.Timestamp.UnixMilli() / dayMillis}] = struct{}{}
	if cat == "" {
		e.noCat++
		return nil
	}
	if u == nil {
		u = &evalUser{counts: make(map[string]int)}
		e.users[user] = u
	}
	u.cats = append(u.cats, cat)
	u.tops = append(u.tops, e.topCategory(prof, Short))
	u.counts[cat]++
	u.recent = slices.DeleteFunc(u.recent, func(c string) bool { return c == cat })
	u.recent = slices.Insert(u.recent, 0, cat)[:min(3, len(u.recent)+1)]
	e.popular[cat]++
	e.updateTop3(cat)
	for _, sh := range e.out.shifts {
		top := ""
		if len(sh.Summary.Categories) > 0 {
			top = sh.Summary.Categories[0].Name
		}
		e.shifts = append(e.shifts, evalShift{user: user, at: len(u.cats) - 1, reason: sh.Reason, top: top})
	}
	return nil
}

const dayMillis = 24 * hourMillis

// eventCategory is the leaf category an event names: its own, else its first product's.
func eventCategory(ev *schemas.Event) string {
	if c := cleanCategory(ev.Properties.Category); c != "" {
		return c
	}
	for _, it := range ev.Properties.Products {
		if c := cleanCategory(it.Category); c != "" {
			return c
		}
	}
	return ""
}

func (e *Evaluator) predict(user string, u *evalUser, cat string) {
	e.scored++
	prof := e.proc.profiles[user]
	score := func(pred int, guesses []string) {
		for i, g := range guesses[:min(3, len(guesses))] {
			if g == cat {
				if i == 0 {
					e.hits[pred][0]++
				}
				e.hits[pred][1]++
				return
			}
		}
	}
	if prof != nil {
		score(predShort, e.topCategories(prof, Short))
		score(predLong, e.topCategories(prof, Long))
	}
	score(predLast, u.recent)
	score(predFrequent, u.frequent())
	score(predPopular, e.top3)
}

// frequent returns the shopper's categories by how many events named them, the most recently
// seen first among equals.
func (u *evalUser) frequent() []string {
	seen := func(c string) int { // recency rank: 0 is the latest
		if i := slices.Index(u.recent, c); i >= 0 {
			return i
		}
		return len(u.recent)
	}
	return slices.SortedFunc(maps.Keys(u.counts), func(a, b string) int {
		if c := cmp.Compare(u.counts[b], u.counts[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(seen(a), seen(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

func (e *Evaluator) topCategories(prof *profile, h Horizon) []string {
	var ids [3]uint32
	var out []string
	for _, id := range prof.topLeaves(ids[:0], 3, h) {
		out = append(out, e.proc.names.name(id))
	}
	return out
}

func (e *Evaluator) topCategory(prof *profile, h Horizon) string {
	if top := e.topCategories(prof, h); len(top) > 0 {
		return top[0]
	}
	return ""
}

func (e *Evaluator) updateTop3(cat string) {
	if !slices.Contains(e.top3, cat) {
		e.top3 = append(e.top3, cat)
	}
	slices.SortStableFunc(e.top3, func(a, b string) int { return cmp.Compare(e.popular[b], e.popular[a]) })
	e.top3 = e.top3[:min(3, len(e.top3))]
}

// EvalReport is what an evaluation found.
type EvalReport struct {
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
func (e *Evaluator) Report() EvalReport {
	r := EvalReport{
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

// evalEmitter keeps what one Process call emitted: the shifts, and the failure kinds of the
// dead letters.
type evalEmitter struct {
	shiftsTopic, dlqTopic string
	shifts                []schemas.Shift
	failures              []string
}

func (o *evalEmitter) reset() { o.shifts, o.failures = o.shifts[:0], o.failures[:0] }

func (o *evalEmitter) Emit(_ context.Context, recs []pipeline.Record) error {
	for _, r := range recs {
		switch r.Topic {
		case o.shiftsTopic:
			sh, err := schemas.DecodeShift(r.Value)
			if err != nil {
				return fmt.Errorf("decode shift: %w", err)
			}
			o.shifts = append(o.shifts, sh)
		case o.dlqTopic:
			o.failures = append(o.failures, string(r.Header(schemas.HeaderFailure)))
		}
	}
	return nil
}
