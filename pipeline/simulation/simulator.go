package simulation

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/runner"
	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// impression is one ad shown, with the click probability it had under every arm: what the
// report's regret and true lift are computed from.
type impression struct {
	index   int // of the event at which it was shown
	ad      schemas.Ad
	p       float64 // click probability of the ad's own arm
	base    float64 // of the holdout's baseline copy
	policy  float64 // expected under the policy's choice for a treated shopper at the ad's creation
	best    float64 // of the best arm
	mean    float64 // mean over the arms: what a uniform choice gets in expectation
	clicked bool
	ordered bool // clicked, and the shopper really ordered in the ad's segment later
}

// sim is one run's state.
type sim struct {
	cfg      Config
	world    *world
	arms     []string
	thompson *strategy.Thompson // nil under the uniform policy
	tally    *strategy.Tally

	pipeline *runner.Runner

	pending     map[string]pendingAd // per shopper, the newest ad not yet shown
	shown       []impression
	refreshes   int
	shiftsCount int
	adsCount    int
}

// Data is the dataset a simulation plays, read by the caller: its events in event-time order
// (file order breaking ties), the rows its reader could not map by reason, and its distinct
// products, the catalogue.
type Data struct {
	Events   []schemas.Event
	BadRows  map[string]int
	Products []schemas.Product
}

// Run simulates data, the dataset cfg names, and returns what the report would show next to the
// truth.
func Run(ctx context.Context, cfg Config, data Data) (Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("simulate: %w", err)
	}
	w, err := newWorld(data.Events, data.BadRows)
	if err != nil {
		return Result{}, fmt.Errorf("simulate %s: %w", cfg.File, err)
	}
	s, err := newSim(ctx, cfg, w, catalog.NewCatalog(data.Products))
	if err != nil {
		return Result{}, err
	}
	if err := s.run(ctx); err != nil {
		return Result{}, err
	}
	return s.result(), nil
}

func newSim(ctx context.Context, cfg Config, w *world, cat *catalog.Catalog) (*sim, error) {
	s := &sim{cfg: cfg, world: w, tally: strategy.NewTally(), pending: map[string]pendingAd{}}
	sc := cfg.strategy()
	chooser, err := strategy.New(sc, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	switch c := chooser.(type) {
	case *strategy.Thompson:
		s.arms, s.thompson = c.Arms(), c
	case *strategy.Assigner:
		s.arms = c.Arms()
	}
	cc := cfg.Creatives
	cc.Strategy = sc
	s.pipeline, err = runner.New(ctx, runner.Config{
		Features:  cfg.Features,
		Model:     cfg.Model,
		Creatives: &runner.Creatives{Config: cc, Catalog: cat, Generator: creative.NewTemplate(cc.Guard), Chooser: chooser},
		Outcomes:  &cfg.Outcomes,
	})
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	return s, nil
}

// run plays every event of the world in order.
func (s *sim) run(ctx context.Context) error {
	nextRefresh := s.world.events[0].Timestamp.Add(s.cfg.Refresh)
	for i := range s.world.events {
		if err := ctx.Err(); err != nil {
			return err
		}
		ev := &s.world.events[i]
		if !ev.Timestamp.Before(nextRefresh) {
			if err := s.refresh(ctx, ev.Timestamp); err != nil {
				return err
			}
			// Whole steps, so a gap in the data costs one refresh, not one per step.
			steps := ev.Timestamp.Sub(nextRefresh)/s.cfg.Refresh + 1
			nextRefresh = nextRefresh.Add(steps * s.cfg.Refresh)
		}
		user := ev.User()
		if pa, ok := s.pending[user]; ok && ev.Timestamp.After(pa.ad.CreatedAt) {
			delete(s.pending, user)
			if !ev.Timestamp.After(pa.ad.ExpiresAt) {
				if err := s.show(ctx, i, pa); err != nil {
					return err
				}
			}
		}
		if err := s.visit(ctx, i); err != nil {
			return err
		}
	}
	return s.close(ctx)
}

// refresh rebuilds the bandit's posteriors from the tally so far, at event time at.
func (s *sim) refresh(ctx context.Context, at time.Time) error {
	if s.thompson == nil {
		return nil
	}
	s.refreshes++
	return s.thompson.RefreshAt(ctx, s.tally, at)
}

// visit feeds event i to the pipeline — the features stage, any shift it causes to the
// creatives stage, and the ads made to the outcomes stage; an order also goes to the outcomes
// stage for attribution.
func (s *sim) visit(ctx context.Context, i int) error {
	step, err := s.pipeline.Run(ctx, s.world.events[i:i+1])
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	s.shiftsCount += len(step.Shifts)
	for _, ad := range step.Ads {
		s.adsCount++
		s.pending[ad.User] = pendingAd{ad: ad, props: s.propensities(ad.Strategy.Segment)}
	}
	if ev := &s.world.events[i]; ev.Event == schemas.OrderCompleted {
		return s.outcome(ctx, ev)
	}
	return nil
}

// pendingAd is an ad made and not yet shown, with the probability of each arm (in s.arms order)
// that the policy had for a treated shopper of its segment when it was made.
type pendingAd struct {
	ad    schemas.Ad
	props []float64
}

// propensities are the policy's arm probabilities for a treated shopper of segment now: the
// bandit's, or uniform.
func (s *sim) propensities(segment string) []float64 {
	if s.thompson != nil {
		return s.thompson.Propensities(segment)
	}
	p := make([]float64, len(s.arms))
	for i := range p {
		p[i] = 1 / float64(len(s.arms))
	}
	return p
}

// show plays the impression of pa's ad at event i, and the shopper's click on it.
func (s *sim) show(ctx context.Context, i int, pa pendingAd) error {
	ad := pa.ad
	base := s.cfg.Click.base(s.world.match(i, ad.Product, s.cfg.Click.Lookahead))
	p := func(arm string) float64 { return min(1, base*s.cfg.effect(arm)) }
	imp := impression{index: i, ad: ad, p: p(ad.Strategy.Arm), base: p(strategy.ArmBaseline)}
	for j, a := range s.arms {
		imp.best = max(imp.best, p(a))
		imp.mean += p(a) / float64(len(s.arms))
		imp.policy += pa.props[j] * p(a)
	}
	imp.clicked = s.draw(ad.AdID, "click") < imp.p
	imp.ordered = imp.clicked && s.world.orders(i, ad.Product, s.cfg.Outcomes.ClickWindow)
	s.shown = append(s.shown, imp)
	var clicks uint64
	at := s.world.events[i].Timestamp
	// In Segment's own shape: the promotion and its creative, no product_id; the outcomes stage
	// takes the product from the ad.
	promo := func(name, kind string) schemas.Event {
		return schemas.Event{Type: schemas.TypeTrack, Event: name, UserID: ad.User, MessageID: "sim-" + kind + ":" + ad.AdID,
			Timestamp: at, Properties: schemas.Properties{PromotionID: ad.AdID, Creative: ad.Strategy.Arm}}
	}
	view := promo(schemas.PromotionViewed, "view")
	if err := s.outcome(ctx, &view); err != nil {
		return err
	}
	if imp.clicked {
		clicks = 1
		click := promo(schemas.PromotionClicked, "click")
		if err := s.outcome(ctx, &click); err != nil {
			return err
		}
	}
	s.tally.Add(ad.Strategy, 1, clicks)
	return nil
}

// outcome feeds one clickstream event to the outcomes stage.
func (s *sim) outcome(ctx context.Context, ev *schemas.Event) error {
	if err := s.pipeline.Outcome(ctx, ev); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	return nil
}

func (s *sim) close(ctx context.Context) error {
	if err := s.pipeline.Close(ctx); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	return nil
}

// draw is a uniform number in [0, 1) fixed by (seed, ad id, what).
func (s *sim) draw(adID, what string) float64 {
	return seed.Unit(strconv.FormatUint(s.cfg.Seed, 10), adID, what)
}

// base is the click probability of a match grade before the arm's effect.
func (m ClickModel) base(grade int) float64 {
	switch grade {
	case matchProduct:
		return m.Product
	case matchCategory:
		return m.Category
	case matchSegment:
		return m.Segment
	}
	return m.Other
}
