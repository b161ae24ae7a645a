package strategy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

// PolicyThompson is the policy recorded on the ads the bandit chooses.
const PolicyThompson = "thompson-v1"

// Thompson chooses arms by Thompson sampling per (segment, arm). See the package documentation.
type Thompson struct {
	holdout    *Assigner
	arms       []string
	salt       string
	experiment string
	strength   float64 // fixed prior strength; 0: the shared model's
	log        *slog.Logger
	metrics    *metrics

	refreshMu sync.Mutex // serialises refreshes, which advance decay
	decay     *decayer

	snap atomic.Pointer[snapshot]
	gen  atomic.Uint64
}

var _ Chooser = (*Thompson)(nil)

// NewThompson returns a bandit over cfg's arms, holdout, salt and experiment, starting from the
// prior alone (every arm equally likely) until the first Refresh. logger and reg may be nil to
// discard logs and metrics.
func NewThompson(cfg Config, logger *slog.Logger, reg prometheus.Registerer) (*Thompson, error) {
	holdout, err := NewAssigner(cfg) // validates cfg
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("strategy: register metrics: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := &Thompson{holdout: holdout, arms: holdout.Arms(), salt: cfg.Salt, experiment: cfg.Experiment,
		strength: cfg.PriorStrength, log: logger.With("component", "strategy"), metrics: m, decay: newDecayer(cfg.HalfLife)}
	t.snap.Store(newSnapshot(0, t.arms, t.strength, nil))
	return t, nil
}

// Arms returns the arms the bandit chooses between.
func (t *Thompson) Arms() []string { return t.holdout.Arms() }

// Choose implements Chooser. A held-out shopper gets the baseline; any other gets the
// arm whose posterior draw, seeded by (user, version, salt), is largest, with that arm's
// propensity in the segment.
func (t *Thompson) Choose(user string, version uint64, segment string) schemas.Strategy {
	if s, held := t.holdout.Holdout(user); held {
		s.Segment = segment
		return s
	}
	snap := t.snap.Load()
	r := seed.Rand("thompson", t.salt, user, strconv.FormatUint(version, 10))
	i := snap.segment(segment).draw(func(a, b float64) float64 { return betaDraw(r, a, b) })
	p := snap.propensities(segment)[i]
	return schemas.Strategy{
		Segment:                 segment,
		Arm:                     t.arms[i],
		Policy:                  PolicyThompson,
		Propensity:              p,
		UnconditionalPropensity: t.holdout.treated(p),
		Experiment:              t.experiment,
		Group:                   schemas.GroupTreatment,
	}
}

// Refresh rebuilds the posteriors from src's cumulative stats, decaying older counts by the time
// since the last refresh. On an error the posteriors in force stay.
func (t *Thompson) Refresh(ctx context.Context, src Stats) error {
	return t.RefreshAt(ctx, src, time.Now())
}

// RefreshAt is Refresh at time at, the clock decay is measured by: a replay or a simulation
// passes its event time.
func (t *Thompson) RefreshAt(ctx context.Context, src Stats, at time.Time) error {
	stats, err := src.ArmStats(ctx, t.experiment)
	if err != nil {
		t.metrics.refreshes.WithLabelValues("error").Inc()
		return fmt.Errorf("strategy: read arm stats of experiment %q: %w", t.experiment, err)
	}
	t.refreshMu.Lock()
	defer t.refreshMu.Unlock()
	snap := newSnapshot(t.gen.Add(1), t.arms, t.strength, t.decay.update(stats, at))
	t.snap.Store(snap)
	t.metrics.refreshes.WithLabelValues("ok").Inc()
	t.metrics.segments.Set(float64(len(snap.segments)))
	return nil
}

// Run refreshes the posteriors from src at once and then every interval until ctx is done, and
// returns nil then. A failed refresh is logged and counted, and the posteriors in force stay
// until the next one succeeds: a slow or unreachable store degrades learning, never ads.
func (t *Thompson) Run(ctx context.Context, src Stats, interval time.Duration) error {
	if interval <= 0 {
		return fmt.Errorf("strategy: refresh interval %v is not positive", interval)
	}
	refresh := func() {
		if err := t.Refresh(ctx, src); err != nil && !errors.Is(ctx.Err(), context.Canceled) {
			t.log.Warn("posterior refresh failed; keeping the posteriors in force", "err", err)
		}
	}
	refresh()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			refresh()
		}
	}
}

// Generation counts the successful refreshes so far.
func (t *Thompson) Generation() uint64 { return t.snap.Load().generation }

// Posteriors lists the posteriors in force: first those any unseen segment gets (segment ""),
// then every segment the stats knew, sorted, arms in configured order.
func (t *Thompson) Posteriors() []Posterior { return t.snap.Load().posteriors() }

// Propensities returns the probability of each arm (in Arms order) being chosen for a treated
// shopper in segment under the posteriors in force.
func (t *Thompson) Propensities(segment string) []float64 {
	return append([]float64(nil), t.snap.Load().propensities(segment)...)
}
