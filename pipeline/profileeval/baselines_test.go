package profileeval

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
)

// view is a Product Viewed event of user in cat, minute minutes into a day.
func view(user, cat string, minute int) schemas.Event {
	return schemas.Event{
		Type:       schemas.TypeTrack,
		Event:      "Product Viewed",
		UserID:     user,
		MessageID:  fmt.Sprintf("%s-%d", user, minute),
		Timestamp:  time.Date(2024, 3, 1, 10, minute, 0, 0, time.UTC),
		Properties: schemas.Properties{ProductID: "p-" + cat, Category: cat},
	}
}

// history is a tiny clickstream whose baselines are worked out by hand in TestBaselinesByHand.
func history() []schemas.Event {
	return []schemas.Event{
		view("a", "A", 1), view("a", "B", 2), view("b", "B", 3), view("a", "A", 4),
		view("b", "C", 5), view("a", "C", 6), view("b", "A", 7), view("b", "B", 8),
	}
}

func TestBaselinesByHand(t *testing.T) {
	r, err := Evaluate(context.Background(), features.DefaultConfig(), history(), Options{Confirm: 5, Resamples: 20})
	if err != nil {
		t.Fatal(err)
	}
	// The rank each baseline gave each scored event's category (0: not ranked), worked out from
	// the history before it; b's first event is not scored.
	//   event   last_category  most_frequent  popular   transition      earlier_interest
	//   a:B@2   [A] 0          [A] 0          [A] 0     (none) 0        [] 0
	//   a:A@4   [B A] 2        [B A] 2        [B A] 2   (none after B) 0 [A] 1
	//   b:C@5   [B] 0          [B] 0          [A B] 0   B→[A] 0         [] 0
	//   a:C@6   [A B] 0        [A B] 0        [A B C] 3 A→[B] 0         [B] 0
	//   b:A@7   [C B] 0        [C B] 0        [C A B] 2 (none after C) 0 [B] 0
	//   b:B@8   [A C B] 3      [A C B] 3      [A C B] 3 A→[C B] 2       [C B] 2
	want := map[string][]int{
		"last_category":    {0, 2, 0, 0, 0, 3},
		"most_frequent":    {0, 2, 0, 0, 0, 3},
		"popular":          {0, 2, 0, 3, 2, 3},
		"transition":       {0, 0, 0, 0, 0, 2},
		"earlier_interest": {0, 1, 0, 0, 0, 2},
	}
	check(t, r.Tasks["next_category"], want)

	// Outside each shopper's last 5 distinct categories only the others' categories are left,
	// so only popular can name one: a:C@6 (popular [A B C] less A, B) and b:A@7 ([C A B] less
	// C, B) it ranks first; a:B@2 and b:C@5 it cannot.
	check(t, r.Tasks["next_new_category"], map[string][]int{
		"last_category":    {0, 0, 0, 0},
		"most_frequent":    {0, 0, 0, 0},
		"popular":          {0, 0, 1, 1},
		"transition":       {0, 0, 0, 0},
		"earlier_interest": {0, 0, 0, 0},
	})
}

// check compares a task's figures with those of the ranks each predictor gave its events.
func check(t *testing.T, task Task, ranks map[string][]int) {
	t.Helper()
	for name, rs := range ranks {
		if task.Scored != len(rs) {
			t.Fatalf("scored %d events, want %d", task.Scored, len(rs))
		}
		n := float64(len(rs))
		var want figures
		for _, rank := range rs {
			if rank == 0 {
				continue
			}
			for m, at := range []int{1, 3, 10} {
				if rank <= at {
					want[m] += 1 / n
				}
			}
			want[3] += 1 / float64(rank) / n
		}
		s := task.Predictors[name]
		got := figures{s.HitAt1, s.HitAt3, s.HitAt10, s.MRR}
		for m := range got {
			if math.Abs(got[m]-want[m]) > 1e-9 {
				t.Errorf("%s %s = %.4f, want %.4f (ranks %v)", name, metricNames[m], got[m], want[m], rs)
			}
		}
	}
}

// With a split, the baselines that learn (popular, transition) learn from the training span
// only: on history() split after minute 4, popularity knows A and B alone, so it can never name
// C, which only scored events show (it would name it at a:C@6 if scored events fed it), and
// the transitions are A→B and B→A, which name only b:B@8's category (after A).
func TestBaselinesLearnOnlyFromTheTrainingSpan(t *testing.T) {
	r, err := Evaluate(context.Background(), features.DefaultConfig(), history(), Options{Confirm: 5, Resamples: 20, TrainShare: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	nc := r.Tasks["next_category"]
	if nc.Scored != 4 {
		t.Fatalf("scored %d events after the split, want the 4 after minute 4", nc.Scored)
	}
	if got := nc.Predictors["popular"].HitAt10; got != 0.5 {
		t.Errorf("popular hit@10 %.3f, want 0.5: b:A@7 and b:B@8 only, C being unknown to the training span", got)
	}
	if got := nc.Predictors["transition"].HitAt10; got != 0.25 {
		t.Errorf("transition hit@10 %.3f, want 0.25: b:B@8 only", got)
	}
}

// An event the profile does not take in — a tracker's retry of one it has — is no next event to
// predict: history() with a:A@4 sent twice scores what history() scores.
func TestRepeatsAreNotScored(t *testing.T) {
	h := history()
	h = append(h[:4], h[3:]...) // a:A@4 twice, the same message id
	r, err := Evaluate(context.Background(), features.DefaultConfig(), h, Options{Confirm: 5, Resamples: 20})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Tasks["next_category"].Scored; got != 6 {
		t.Errorf("scored %d events, want history()'s 6: the repeat is not a next event", got)
	}
}
