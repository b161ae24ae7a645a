package profileeval

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
)

// memoriser is a Ranker that cheats: it has memorised which category followed each history in
// the events it was trained on, so it names the next category of any event it trained on.
type memoriser map[string]*counter

func memorise(events []schemas.Event) memoriser {
	m := memoriser{}
	hist := map[string][]string{}
	for i := range events {
		cat := features.EventCategory(&events[i])
		if cat == "" {
			continue
		}
		u := events[i].User()
		h := hist[u]
		if len(h) > 0 {
			k := key(h)
			if m[k] == nil {
				m[k] = newCounter()
			}
			m[k].add(cat)
		}
		hist[u] = append(h, cat)
	}
	return m
}

func key(cats []string) string {
	return strings.Join(cats[max(0, len(cats)-modelHistory):], "\x00")
}

func (m memoriser) Rank(recent []string, k int, exclude func(string) bool) []Scored {
	var out []Scored
	if c := m[key(recent)]; c != nil {
		for _, cat := range c.top(nil, k, exclude) {
			out = append(out, Scored{Category: cat, Score: float64(c.n[cat])})
		}
	}
	return out
}

func TestLeakageGuard(t *testing.T) {
	ctx := context.Background()
	events := firstShoppers(read(t, "taobao", taobao), 200)
	cfg := features.DefaultConfig()
	eval := func(opt Options) Report {
		t.Helper()
		opt.Confirm, opt.Resamples = 5, 20
		r, err := Evaluate(ctx, cfg, events, opt)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// With the guard broken — a model that memorised every event but claims to have trained
	// on none — the cheat is near perfect: the test's own control.
	all := memorise(events)
	wholeReport := eval(Options{Model: &Model{Ranker: all}})
	whole := wholeReport.Tasks["next_category"]
	broken := whole.Predictors[modelName]
	if broken.HitAt1 < 0.95 {
		t.Fatalf("control: a memoriser of every event scores hit@1 %.3f on them, want near 1", broken.HitAt1)
	}

	// Trained on a split, it memorises only the training span, and none of it is scored.
	var trainedOn []schemas.Event
	split := eval(Options{TrainShare: 0.7, Train: func(train []schemas.Event) (Model, error) {
		trainedOn = train
		return Model{Ranker: memorise(train), Until: train[len(train)-1].Timestamp, Version: "memoriser"}, nil
	}})
	if n := len(trainedOn); n < len(events)*7/10 || n > len(events)*3/4 {
		t.Fatalf("trained on %d of %d events, want about 70%%", n, len(events))
	}
	until := trainedOn[len(trainedOn)-1].Timestamp
	if split.Data.ScoredAfter == nil || !split.Data.ScoredAfter.Equal(until) {
		t.Fatalf("scored after %v, want after the last training event at %v", split.Data.ScoredAfter, until)
	}
	for _, ev := range events[len(trainedOn):] {
		if !ev.Timestamp.After(until) {
			t.Fatalf("event at %v, not after the training span's end %v, was left to score", ev.Timestamp, until)
		}
	}
	nc := split.Tasks["next_category"]
	if got := nc.Predictors[modelName].HitAt1; got > broken.HitAt1-0.3 {
		t.Errorf("a memoriser of the training span scores hit@1 %.3f after it, near its %.3f on events it memorised: scored events leaked into training",
			got, broken.HitAt1)
	}
	if nc.Scored == 0 || nc.Scored >= whole.Scored {
		t.Errorf("scored %d events after the split, want some and fewer than the %d of the whole", nc.Scored, whole.Scored)
	}

	t.Logf("memoriser hit@1: %.3f on the events it memorised, %.3f on the %d events after its training span",
		broken.HitAt1, nc.Predictors[modelName].HitAt1, nc.Scored)

	// A model that trained on every event leaves nothing to score, by any predictor: an error,
	// not a report of zeros.
	last := events[len(events)-1].Timestamp
	if _, err := Evaluate(ctx, cfg, events, Options{Model: &Model{Ranker: all, Until: last}, Confirm: 5, Resamples: 20}); !errors.Is(err, ErrNoEvents) {
		t.Errorf("a model trained on every event: %v, want %v", err, ErrNoEvents)
	}
	half := eval(Options{Model: &Model{Ranker: all, Until: events[len(events)/2].Timestamp.Add(-time.Nanosecond)}})
	if got := half.Tasks["next_category"].Predictors[modelName].HitAt1; got < 0.95 {
		t.Errorf("a model given honestly is scored on the events after its Until: hit@1 %.3f, want the memoriser's near 1", got)
	}
	// The triggers count only what fired after the guard, too.
	if tr, all := half.Triggers, wholeReport.Triggers; tr.Shift.Ads == 0 || tr.Shift.Ads >= all.Shift.Ads || tr.Shift.Interests >= all.Shift.Interests {
		t.Errorf("triggers after half the events: %d ads, %d new interests; over all of them %d and %d",
			tr.Shift.Ads, tr.Shift.Interests, all.Shift.Ads, all.Shift.Interests)
	}
}
