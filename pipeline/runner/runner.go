package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// Config is what a Runner runs: the features stage, and optionally the creatives stage after it
// and the outcomes stage after that.
type Config struct {
	Features features.Config
	// Model is the interest model the features stage predicts with; nil: the profile does.
	// Features.Model, a path, is not read here: the caller reads the file.
	Model     *interest.Model
	Creatives *Creatives       // nil: shifts are only handed back
	Outcomes  *outcomes.Config // nil: ads are only handed back; needs Creatives
}

// Creatives is what the creatives stage of a run is built from.
type Creatives struct {
	Config    creatives.Config
	Catalog   *catalog.Catalog
	Generator creative.Generator
	Chooser   strategy.Chooser
}

// Step is what one Run call caused, valid until the next call.
type Step struct {
	Shifts   []schemas.Shift // published by the features stage, in order
	Ads      []schemas.Ad    // published by the creatives stage for those shifts
	Failures []string        // the failure kinds of the dead letters, in order
}

// Runner is the in-memory pipeline. See the package documentation.
type Runner struct {
	cfg       Config
	topics    pipeline.Topics // in memory only: the standard names
	features  *features.Partition
	creatives pipeline.Processor  // nil without a creatives stage
	ads       pipeline.Processor  // the outcomes stage's ads partition; nil without it
	clicks    *outcomes.Partition // the outcomes stage's clickstream partition; nil without it
	out       *capture
	rows      *rowSink
	step      Step
	// offsets are the next offset of each in-memory partition.
	eventsAt, shiftsAt, adsAt, clicksAt int64
}

// New opens one partition of each configured stage.
func New(ctx context.Context, cfg Config) (*Runner, error) {
	if cfg.Outcomes != nil && cfg.Creatives == nil {
		return nil, errors.New("runner: an outcomes stage needs a creatives stage to feed it")
	}
	topics := pipeline.DefaultTopics()
	r := &Runner{cfg: cfg, topics: topics, out: &capture{shifts: topics.Shifts}, rows: &rowSink{}}
	var opts []features.Option
	if cfg.Model != nil {
		opts = append(opts, features.WithModel(cfg.Model))
	}
	fs, err := features.New(cfg.Features, topics, r.out, nil, nil, opts...)
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	if r.features, err = fs.OpenPartition(ctx, topics.Clickstream, 0); err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	if c := cfg.Creatives; c != nil {
		r.out.ads = topics.Ads
		cs, err := creatives.New(c.Config, topics, c.Catalog, c.Generator, c.Chooser, r.out, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("runner: %w", err)
		}
		if r.creatives, err = cs.Open(ctx, topics.Shifts, 0); err != nil {
			return nil, fmt.Errorf("runner: %w", err)
		}
	}
	if oc := cfg.Outcomes; oc != nil {
		os, err := outcomes.New(*oc, topics, r.rows, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("runner: %w", err)
		}
		if r.ads, err = os.Open(ctx, topics.Ads, 0); err != nil {
			return nil, fmt.Errorf("runner: %w", err)
		}
		if r.clicks, err = os.OpenPartition(ctx, 0); err != nil {
			return nil, fmt.Errorf("runner: %w", err)
		}
	}
	return r, nil
}

// Features is the features partition, for reading its profiles.
func (r *Runner) Features() *features.Partition { return r.features }

// Run applies events, in order, to the features partition as one batch, passes the shifts it
// publishes to the creatives stage and the ads made for them to the outcomes stage, and returns
// what it all published.
func (r *Runner) Run(ctx context.Context, events []schemas.Event) (Step, error) {
	r.step.Shifts, r.step.Ads = r.step.Shifts[:0], r.step.Ads[:0]
	r.out.reset()
	err := r.features.ProcessEvents(ctx, r.eventsAt, events)
	r.eventsAt += int64(len(events))
	if err != nil {
		return Step{}, fmt.Errorf("features: %w", err)
	}
	shifts := r.out.takeShifts()
	for _, rec := range shifts {
		sh, err := schemas.DecodeShift(rec.Value)
		if err != nil {
			return Step{}, fmt.Errorf("the features stage published an unreadable shift: %w", err)
		}
		r.step.Shifts = append(r.step.Shifts, sh)
	}
	if r.creatives != nil && len(shifts) > 0 {
		for i := range shifts {
			shifts[i].Offset = r.shiftsAt
			r.shiftsAt++
		}
		if err := r.creatives.Process(ctx, shifts); err != nil {
			return Step{}, fmt.Errorf("creatives: %w", err)
		}
		if err := r.deliver(ctx, r.out.takeAds()); err != nil {
			return Step{}, err
		}
	}
	r.step.Failures = r.out.failures
	return r.step, nil
}

// deliver hands the ads the creatives stage published back, and to the outcomes stage.
func (r *Runner) deliver(ctx context.Context, ads []pipeline.Record) error {
	for _, rec := range ads {
		ad, err := schemas.DecodeAd(rec.Value)
		if err != nil {
			return fmt.Errorf("the creatives stage published an unreadable ad: %w", err)
		}
		r.step.Ads = append(r.step.Ads, ad)
		if r.ads == nil {
			continue
		}
		rec.Offset = r.adsAt
		r.adsAt++
		if err := r.ads.Process(ctx, []pipeline.Record{rec}); err != nil {
			return fmt.Errorf("outcomes: %w", err)
		}
	}
	return nil
}

// Outcome hands one clickstream event to the outcomes stage alone: an impression, a click or an
// order.
func (r *Runner) Outcome(ctx context.Context, ev *schemas.Event) error {
	if r.clicks == nil {
		return errors.New("runner: no outcomes stage")
	}
	err := r.clicks.ProcessEvents(ctx, r.clicksAt, []schemas.Event{*ev})
	r.clicksAt++
	if err != nil {
		return fmt.Errorf("outcomes: %w", err)
	}
	return nil
}

// Rows is every row the outcomes stage has written, as ClickHouse would hold them.
func (r *Runner) Rows() schemas.Rows { return r.rows.rows }

// Close closes every partition, the features one first.
func (r *Runner) Close(ctx context.Context) error {
	var errs []error
	ps := []pipeline.Processor{r.features, r.creatives, r.ads}
	if r.clicks != nil { // a nil *outcomes.Partition is no nil Processor
		ps = append(ps, r.clicks)
	}
	for _, p := range ps {
		if p == nil {
			continue
		}
		if err := p.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("runner: close: %w", err)
	}
	return nil
}

// shiftsBatch is how many events Shifts applies per batch.
const shiftsBatch = 500

// Shifts runs events through a features partition of cfg (its creatives and outcomes are not
// run) and calls fn with every shift it publishes, in order.
func Shifts(ctx context.Context, cfg Config, events []schemas.Event, fn func(schemas.Shift)) error {
	r, err := New(ctx, Config{Features: cfg.Features, Model: cfg.Model})
	if err != nil {
		return err
	}
	for len(events) > 0 {
		n := min(shiftsBatch, len(events))
		step, err := r.Run(ctx, events[:n])
		if err != nil {
			return errors.Join(err, r.Close(ctx))
		}
		for _, sh := range step.Shifts {
			fn(sh)
		}
		events = events[n:]
	}
	return r.Close(ctx)
}
