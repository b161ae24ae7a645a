package profileeval

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/runner"
	"github.com/adshift/adshift/schemas"
)

// Evaluator runs events through one features partition of the in-memory runner — the same
// checks, profiles and shift detector as the stage, with no Kafka — and scores what it learns: how well a profile's top
// categories predict the shopper's next category, against simple baselines, and how often the
// shifts it fires are confirmed by what the shopper does next, against a naive trigger. Events
// go in the order they would arrive live (event time); it is not safe for concurrent use.
type Evaluator struct {
	run     *runner.Runner
	part    *features.Partition
	confirm int

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
func NewEvaluator(ctx context.Context, cfg features.Config, confirm int) (*Evaluator, error) {
	if confirm < 1 {
		return nil, fmt.Errorf("evaluate: confirm %d is below 1", confirm)
	}
	r, err := runner.New(ctx, runner.Config{Features: cfg})
	if err != nil {
		return nil, err
	}
	return &Evaluator{
		run:     r,
		part:    r.Features(),
		confirm: confirm,
		users:   make(map[string]*evalUser),
		popular: make(map[string]int),
		days:    make(map[userDay]struct{}),
		failure: make(map[string]int),
	}, nil
}

// Add scores the predictions for ev, then runs it through the partition as its next record.
func (e *Evaluator) Add(ctx context.Context, ev schemas.Event) error {
	e.events++
	user := ev.User()
	cat := features.EventCategory(&ev)
	u := e.users[user]
	if u != nil && cat != "" && len(u.cats) > 0 {
		e.predict(user, u, cat)
	}
	before := e.part.Events(user)
	step, err := e.run.Run(ctx, []schemas.Event{ev})
	if err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	for _, kind := range step.Failures {
		e.failure[kind]++
	}
	if e.part.Events(user) == before {
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
	u.tops = append(u.tops, e.topCategory(user, features.Short))
	u.counts[cat]++
	u.recent = slices.DeleteFunc(u.recent, func(c string) bool { return c == cat })
	u.recent = slices.Insert(u.recent, 0, cat)[:min(3, len(u.recent)+1)]
	e.popular[cat]++
	e.updateTop3(cat)
	for _, sh := range step.Shifts {
		top := ""
		if len(sh.Summary.Categories) > 0 {
			top = sh.Summary.Categories[0].Name
		}
		e.shifts = append(e.shifts, evalShift{user: user, at: len(u.cats) - 1, reason: sh.Reason, top: top})
	}
	return nil
}

var dayMillis = (24 * time.Hour).Milliseconds()

func (e *Evaluator) predict(user string, u *evalUser, cat string) {
	e.scored++
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
	score(predShort, e.part.TopCategories(user, 3, features.Short))
	score(predLong, e.part.TopCategories(user, 3, features.Long))
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

func (e *Evaluator) topCategory(user string, h features.Horizon) string {
	if top := e.part.TopCategories(user, 3, h); len(top) > 0 {
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
