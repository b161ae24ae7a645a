package strategy

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/adshift/adshift/schemas"
)

// Tally counts impressions and clicks per (experiment, segment, arm) in memory: the Stats source
// of the simulator and of tests. It is safe for concurrent use.
type Tally struct {
	mu sync.Mutex
	by map[tallyKey]*ArmStat
}

type tallyKey struct{ experiment, segment, arm string }

var _ Stats = (*Tally)(nil)

// NewTally returns an empty Tally.
func NewTally() *Tally { return &Tally{by: map[tallyKey]*ArmStat{}} }

// Add counts impressions and clicks of ads chosen with strategy s. Holdout ads are not counted:
// posteriors are of the treatment arms only.
func (t *Tally) Add(s schemas.Strategy, impressions, clicks uint64) {
	if s.Group != schemas.GroupTreatment {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	k := tallyKey{s.Experiment, s.Segment, s.Arm}
	st := t.by[k]
	if st == nil {
		st = &ArmStat{Segment: s.Segment, Arm: s.Arm}
		t.by[k] = st
	}
	st.Impressions += impressions
	st.Clicks += clicks
}

// ArmStats implements Stats, ordered by segment and arm.
func (t *Tally) ArmStats(_ context.Context, experiment string) ([]ArmStat, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []ArmStat
	for k, st := range t.by {
		if k.experiment == experiment {
			out = append(out, *st)
		}
	}
	slices.SortFunc(out, func(a, b ArmStat) int {
		return cmp.Or(cmp.Compare(a.Segment, b.Segment), cmp.Compare(a.Arm, b.Arm))
	})
	return out, nil
}
