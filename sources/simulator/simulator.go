package simulator

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// impression is one ad shown, with the click probability it had under every arm: what the
// report's regret and true lift are computed from.
type impression struct {
	index   int // of the event at which it was shown
	ad      schemas.Ad
	p       float64 // click probability of the ad's own arm
	base    float64 // of the holdout's baseline copy
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

	features, creatives, adsOut, clicksOut pipeline.Processor
	shifts, ads                            *capture
	rows                                   *rowSink

	pending     map[string]schemas.Ad // per shopper, the newest ad not yet shown
	shown       []impression
	offsets     map[string]int64 // next offset per simulated topic
	refreshes   int
	shiftsCount int
	adsCount    int
}

// Run simulates cfg's dataset and returns what the report would show next to the truth.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return Result{}, fmt.Errorf("simulate: %w", err)
	}
	w, err := load(cfg.Format, cfg.File)
	if err != nil {
		return Result{}, err
	}
	products, _, err := dataset.LoadCatalog(cfg.Format, cfg.File)
	if err != nil {
		return Result{}, fmt.Errorf("simulate: catalogue: %w", err)
	}
	s, err := newSim(ctx, cfg, w, creative.NewCatalog(products))
	if err != nil {
		return Result{}, err
	}
	if err := s.run(ctx); err != nil {
		return Result{}, err
	}
	return s.result(), nil
}

func newSim(ctx context.Context, cfg Config, w *world, catalog *creative.Catalog) (*sim, error) {
	s := &sim{cfg: cfg, world: w, tally: strategy.NewTally(), shifts: &capture{}, ads: &capture{}, rows: &rowSink{},
		pending: map[string]schemas.Ad{}, offsets: map[string]int64{}}
	sc := cfg.Creatives.Strategy
	sc.Salt += "/seed-" + strconv.FormatUint(cfg.Seed, 10)
	var chooser creative.Chooser
	if sc.Policy == creative.StrategyUniform {
		a, err := creative.NewAssigner(sc)
		if err != nil {
			return nil, fmt.Errorf("simulate: %w", err)
		}
		chooser, s.arms = a, a.Arms()
	} else {
		th, err := strategy.New(sc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("simulate: %w", err)
		}
		chooser, s.arms, s.thompson = th, th.Arms(), th
	}
	cc := cfg.Creatives
	cc.Strategy = sc

	fs, err := features.New(cfg.Features, s.shifts, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	cs, err := creative.New(cc, catalog, creative.NewTemplate(cc.Guard), chooser, s.ads, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	os, err := outcomes.New(cfg.Outcomes, s.rows, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	if s.features, err = fs.Open(ctx, cfg.Features.ClickstreamTopic, 0); err != nil {
		return nil, err
	}
	if s.creatives, err = cs.Open(ctx, cc.ShiftsTopic, 0); err != nil {
		return nil, err
	}
	if s.adsOut, err = os.Open(ctx, cfg.Outcomes.AdsTopic, 0); err != nil {
		return nil, err
	}
	if s.clicksOut, err = os.Open(ctx, cfg.Outcomes.ClickstreamTopic, 0); err != nil {
		return nil, err
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
			if err := s.refresh(ctx); err != nil {
				return err
			}
			// Whole steps, so a gap in the data costs one refresh, not one per step.
			steps := ev.Timestamp.Sub(nextRefresh)/s.cfg.Refresh + 1
			nextRefresh = nextRefresh.Add(steps * s.cfg.Refresh)
		}
		user := ev.User()
		if ad, ok := s.pending[user]; ok && ev.Timestamp.After(ad.CreatedAt) {
			delete(s.pending, user)
			if !ev.Timestamp.After(ad.ExpiresAt) {
				if err := s.show(ctx, i, ad); err != nil {
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

// refresh rebuilds the bandit's posteriors from the tally so far.
func (s *sim) refresh(ctx context.Context) error {
	if s.thompson == nil {
		return nil
	}
	s.refreshes++
	return s.thompson.Refresh(ctx, s.tally)
}

// visit feeds event i to the features stage, any shift it causes to the creatives stage, and the
// ads made to the outcomes stage; an order also goes to the outcomes stage for attribution.
func (s *sim) visit(ctx context.Context, i int) error {
	ev := &s.world.events[i]
	rec, err := s.record(s.cfg.Features.ClickstreamTopic, ev.User(), ev)
	if err != nil {
		return err
	}
	if err := s.features.Process(ctx, []pipeline.Record{rec}); err != nil {
		return fmt.Errorf("simulate: features: %w", err)
	}
	shifts := s.shifts.take(s.cfg.Features.ShiftsTopic)
	if len(shifts) > 0 {
		s.shiftsCount += len(shifts)
		for j := range shifts {
			shifts[j].Offset = s.next("shifts")
		}
		if err := s.creatives.Process(ctx, shifts); err != nil {
			return fmt.Errorf("simulate: creatives: %w", err)
		}
		for _, r := range s.ads.take(s.cfg.Creatives.AdsTopic) {
			ad, err := schemas.DecodeAd(r.Value)
			if err != nil {
				return fmt.Errorf("simulate: the creatives stage published an unreadable ad: %w", err)
			}
			s.adsCount++
			s.pending[ad.User] = ad
			r.Offset = s.next(s.cfg.Outcomes.AdsTopic)
			if err := s.adsOut.Process(ctx, []pipeline.Record{r}); err != nil {
				return fmt.Errorf("simulate: outcomes: %w", err)
			}
		}
	}
	if ev.Event == schemas.OrderCompleted {
		return s.outcome(ctx, ev)
	}
	return nil
}

// show plays the impression of ad at event i, and the shopper's click on it.
func (s *sim) show(ctx context.Context, i int, ad schemas.Ad) error {
	base := s.cfg.Click.base(s.world.match(i, ad.Product, s.cfg.Click.Lookahead))
	p := func(arm string) float64 { return min(1, base*s.cfg.effect(arm)) }
	imp := impression{index: i, ad: ad, p: p(ad.Strategy.Arm), base: p(creative.ArmBaseline)}
	for _, a := range s.arms {
		imp.best = max(imp.best, p(a))
		imp.mean += p(a) / float64(len(s.arms))
	}
	imp.clicked = s.draw(ad.AdID, "click") < imp.p
	imp.ordered = imp.clicked && s.world.orders(i, ad.Product, s.cfg.Outcomes.ClickWindow)
	s.shown = append(s.shown, imp)
	var clicks uint64
	at := s.world.events[i].Timestamp
	promo := func(name, kind string) schemas.Event {
		return schemas.Event{Type: schemas.TypeTrack, Event: name, UserID: ad.User, MessageID: "sim-" + kind + ":" + ad.AdID,
			Timestamp: at, Properties: schemas.Properties{PromotionID: ad.AdID, ProductID: ad.Product.ID, Creative: ad.Strategy.Arm}}
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
	rec, err := s.record(s.cfg.Outcomes.ClickstreamTopic, ev.User(), ev)
	if err != nil {
		return err
	}
	if err := s.clicksOut.Process(ctx, []pipeline.Record{rec}); err != nil {
		return fmt.Errorf("simulate: outcomes: %w", err)
	}
	return nil
}

func (s *sim) record(topic, key string, ev *schemas.Event) (pipeline.Record, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return pipeline.Record{}, fmt.Errorf("simulate: encode %s: %w", ev.Event, err)
	}
	return pipeline.Record{Topic: topic, Offset: s.next(topic + "/in"), Key: []byte(key), Value: b, Timestamp: ev.Timestamp}, nil
}

func (s *sim) next(topic string) int64 {
	o := s.offsets[topic]
	s.offsets[topic] = o + 1
	return o
}

func (s *sim) close(ctx context.Context) error {
	for _, p := range []pipeline.Processor{s.features, s.creatives, s.adsOut, s.clicksOut} {
		if err := p.Close(ctx); err != nil {
			return fmt.Errorf("simulate: close: %w", err)
		}
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

// capture is an Emitter that keeps what it is given.
type capture struct{ recs []pipeline.Record }

func (c *capture) Emit(_ context.Context, recs []pipeline.Record) error {
	c.recs = append(c.recs, recs...)
	return nil
}

// take returns and forgets the records kept for topic, dropping the rest (dead letters).
func (c *capture) take(topic string) []pipeline.Record {
	var out []pipeline.Record
	for _, r := range c.recs {
		if r.Topic == topic {
			out = append(out, r)
		}
	}
	c.recs = c.recs[:0]
	return out
}

// rowSink is a RowWriter that keeps the rows, as ClickHouse would.
type rowSink struct{ rows schemas.Rows }

func (w *rowSink) Write(_ context.Context, rows schemas.Rows) error {
	w.rows.Ads = append(w.rows.Ads, rows.Ads...)
	w.rows.Events = append(w.rows.Events, rows.Events...)
	w.rows.Failures = append(w.rows.Failures, rows.Failures...)
	return nil
}

var (
	_ pipeline.Emitter   = (*capture)(nil)
	_ pipeline.RowWriter = (*rowSink)(nil)
)
