package profileeval

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/runner"
	"github.com/adshift/adshift/schemas"
)

// evaluator runs events through one features partition of the in-memory runner — the same
// checks, profiles and shift detector as the stage, with no Kafka — and scores, for every event
// after the guard, what each predictor expected of it. Events go in the order they would
// arrive live (event time); it is used by one goroutine.
type evaluator struct {
	in      features.Interest // which events are interests, and their category
	orders  bool              // Options.Orders
	run     *runner.Runner
	part    *features.Partition
	confirm int
	model   *Model
	preds   []predictor
	guard   time.Time // events at or before it are learned from, never scored
	freeze  bool      // transitions and popularity learn only from events at or before guard
	noTrig  bool      // score the tasks alone

	users    map[string]*shopper
	shoppers []*shopper // in order of first appearance, so resampling is reproducible
	popular  *counter
	next     map[string]*counter  // category → the categories shoppers moved to after it
	days     map[userDay]struct{} // active shopper-days after the guard

	events  int
	noCat   int
	failure map[string]int
	shifts  []evalShift
	buf     []string
	ranks   []ranked // the current event's ranks, scored once the profile took it in
}

type userDay struct {
	user string
	day  int64
}

// shopper is one shopper's history as the evaluation needs it.
type shopper struct {
	cats     []string // categories of the shopper's applied events, in order
	tops     []string // the profile's top short-horizon category after each of them
	at       []int64  // the event time of each of them, in Unix milliseconds
	buy      []bool   // whether each of them was a cart add or an order
	from     int      // index in cats of the first event after the guard
	distinct recency  // distinct categories, the latest first
	counts   *counter
	tally    [taskCount][]tally // [task][predictor]
}

type evalShift struct {
	user   string
	at     int // index in the user's cats of the event that fired it
	reason string
	top    string
	ranks  [][]string // each predictor's first maxRank categories at the shift, when scored
}

func newEvaluator(ctx context.Context, cfg features.Config, opt Options, guard time.Time, freeze bool) (*evaluator, error) {
	if opt.Confirm < 1 {
		return nil, fmt.Errorf("evaluate: confirm %d is below 1", opt.Confirm)
	}
	rc := runner.Config{Features: cfg}
	if opt.Model != nil {
		rc.Model = opt.Model.Interest
	}
	r, err := runner.New(ctx, rc)
	if err != nil {
		return nil, err
	}
	e := &evaluator{
		run:     r,
		part:    r.Features(),
		confirm: opt.Confirm,
		model:   opt.Model,
		guard:   guard,
		freeze:  freeze,
		noTrig:  opt.TasksOnly,
		orders:  opt.Orders,
		in:      features.NewInterest(),
		users:   make(map[string]*shopper),
		popular: newCounter(),
		next:    make(map[string]*counter),
		days:    make(map[userDay]struct{}),
		failure: make(map[string]int),
	}
	for _, name := range opt.Baselines {
		if name == modelName || !slices.ContainsFunc(predictors, func(p predictor) bool { return p.name == name }) {
			return nil, fmt.Errorf("evaluate: %q is no baseline", name)
		}
	}
	for _, p := range predictors {
		switch {
		case p.name == modelName && e.model == nil:
		case p.name != modelName && opt.Baselines != nil && !slices.Contains(opt.Baselines, p.name):
		default:
			e.preds = append(e.preds, p)
		}
	}
	return e, nil
}

// add ranks the predictions for ev, runs it through the partition as its next record, and
// scores them only if the profile took the event in: a repeat, a dead letter or an event the
// stage skips is no next event to predict.
func (e *evaluator) add(ctx context.Context, ev schemas.Event) error {
	e.events++
	user := ev.User()
	cat := e.in.Category(&ev) // a refund is no next interest to predict
	u := e.users[user]
	scoring := ev.Timestamp.After(e.guard)
	e.ranks = e.ranks[:0]
	if u != nil && cat != "" && len(u.cats) > 0 && scoring {
		e.rank(user, u, cat)
	}
	step, took, err := e.apply(ctx, user, ev)
	if err != nil || !took {
		return err
	}
	for _, r := range e.ranks {
		u.tally[r.task][r.pred].add(r.rank)
	}
	if scoring {
		e.days[userDay{user, ev.Timestamp.UnixMilli() / dayMillis}] = struct{}{}
	}
	if cat == "" {
		e.noCat++
		return nil
	}
	if u == nil {
		u = e.newShopper(user)
	}
	if !scoring {
		u.from = len(u.cats) + 1
	}
	if !scoring || !e.freeze {
		e.learn(u, cat)
	}
	e.remember(u, user, cat, ev)
	e.recordShifts(user, u, step.Shifts, scoring)
	return nil
}

// apply runs ev through the partition, counting failures, and reports whether the profile took it in.
func (e *evaluator) apply(ctx context.Context, user string, ev schemas.Event) (runner.Step, bool, error) {
	before := e.part.Events(user)
	step, err := e.run.Run(ctx, []schemas.Event{ev})
	if err != nil {
		return step, false, fmt.Errorf("evaluate: %w", err)
	}
	for _, kind := range step.Failures {
		e.failure[kind]++
	}
	// Dead-lettered, skipped or a repeat: the profile did not see it.
	return step, e.part.Events(user) != before, nil
}

// newShopper starts the history of a shopper's first categorised event.
func (e *evaluator) newShopper(user string) *shopper {
	u := &shopper{counts: newCounter()}
	for t := range u.tally {
		u.tally[t] = make([]tally, len(e.preds))
	}
	e.users[user] = u
	e.shoppers = append(e.shoppers, u)
	return u
}

// learn counts cat in popularity and as the move from the shopper's previous category.
func (e *evaluator) learn(u *shopper, cat string) {
	if len(u.cats) > 0 {
		last := u.cats[len(u.cats)-1]
		if e.next[last] == nil {
			e.next[last] = newCounter()
		}
		e.next[last].add(cat)
	}
	e.popular.add(cat)
}

// remember appends the event, and the profile's top category after it, to the shopper's history.
func (e *evaluator) remember(u *shopper, user, cat string, ev schemas.Event) {
	u.cats = append(u.cats, cat)
	u.tops = append(u.tops, e.topCategory(user))
	u.at = append(u.at, ev.Timestamp.UnixMilli())
	u.buy = append(u.buy, ev.Event == schemas.ProductAdded || ev.Event == schemas.OrderCompleted)
	u.counts.add(cat)
	u.distinct.see(cat)
}

// recordShifts keeps the shifts the shopper's latest event fired, ranked when it is scored.
func (e *evaluator) recordShifts(user string, u *shopper, shifts []schemas.Shift, scoring bool) {
	for _, sh := range shifts {
		top := ""
		switch {
		case len(sh.Predicted) > 0:
			top = sh.Predicted[0].Name // what the creatives stage advertises
		case len(sh.Summary.Categories) > 0:
			top = sh.Summary.Categories[0].Name
		}
		s := evalShift{user: user, at: len(u.cats) - 1, reason: sh.Reason, top: top}
		if scoring {
			s.ranks = e.rankAll(user, u)
		}
		e.shifts = append(e.shifts, s)
	}
}

var dayMillis = (24 * time.Hour).Milliseconds()

// ranked is where one predictor ranked an event's category in one task (0: not in its top).
type ranked struct{ task, pred, rank int }

// rank asks every predictor, for every task the event counts in, where it ranks cat, and keeps
// the answers in e.ranks until the event is known to count.
func (e *evaluator) rank(user string, u *shopper, cat string) {
	for t, tk := range tasks {
		if tk.atShifts {
			continue
		}
		latest := u.distinct[:min(tk.skip, len(u.distinct))]
		if slices.Contains(latest, cat) {
			continue
		}
		q := query{user: user, u: u, k: maxRank, skip: tk.skip,
			exclude: func(c string) bool { return slices.Contains(latest, c) }}
		for p, pred := range e.preds {
			q.dst = e.buf[:0]
			e.buf = pred.rank(e, q)
			e.ranks = append(e.ranks, ranked{t, p, slices.Index(e.buf, cat) + 1})
		}
	}
}

// topCategory is the category an ad for user would claim now: the interest model's top when the
// features stage has one, else the profile's strongest short-horizon leaf.
func (e *evaluator) topCategory(user string) string {
	if e.model != nil && e.model.Interest != nil {
		if top := e.part.Predicted(user, 1); len(top) > 0 {
			return top[0]
		}
		return ""
	}
	if top := e.part.TopCategories(user, 1, features.Short); len(top) > 0 {
		return top[0]
	}
	return ""
}

// scoredEvents is how many events the first task scored.
func (e *evaluator) scoredEvents() int {
	n := 0
	for _, u := range e.shoppers {
		if len(u.tally[0]) > 0 {
			n += u.tally[0][0].n
		}
	}
	return n
}
