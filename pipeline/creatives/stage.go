package creatives

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// Name is the stage's name; its consumer group is adshift-creatives.
const Name = "creatives"

// Stage turns profile shifts into published ads. See the package documentation.
type Stage struct {
	cfg     Config
	topics  pipeline.Topics
	catalog *catalog.Catalog
	ranker  *catalog.Ranker
	gen     creative.Generator
	chooser strategy.Chooser
	out     pipeline.Emitter
	log     *slog.Logger
	metrics *metrics
	guard   creative.Guard // cfg.Guard, grounded in the catalogue's brands
	noAd    *noAdLog
	// forgotten are the shoppers forgotten on a deletion request: no ad of theirs; nil: none.
	forgotten *pipeline.Forgotten
}

var _ pipeline.Stage = (*Stage)(nil)

// New returns the creatives stage. The chooser picks each ad's strategy (arm, group,
// propensity); it publishes ads and dead letters through out; logger and reg may be nil to
// discard logs and metrics. Products are ranked by catalog.Taxonomy unless an option says
// otherwise.
func New(cfg Config, topics pipeline.Topics, cat *catalog.Catalog, gen creative.Generator, chooser strategy.Chooser, out pipeline.Emitter, logger *slog.Logger, reg prometheus.Registerer, opts ...Option) (*Stage, error) {
	cfg = cfg.withDefaults()
	switch {
	case cat == nil || cat.Len() == 0:
		return nil, errors.New("creatives: the catalog has no products to advertise")
	case gen == nil:
		return nil, errors.New("creatives: no generator")
	case chooser == nil:
		return nil, errors.New("creatives: no strategy chooser")
	case out == nil:
		return nil, errors.New("creatives: no emitter")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("creatives: %w", err)
	}
	if err := topics.Validate(); err != nil {
		return nil, fmt.Errorf("creatives topics: %w", err)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("creatives: register metrics: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	log := logger.With("stage", Name)
	return &Stage{cfg: cfg, topics: topics, catalog: cat, ranker: catalog.NewRanker(cat, o.rank), gen: gen, chooser: chooser, out: out,
		log: log, metrics: m, guard: stageGuard(cfg.Guard.WithBrands(cat.Brands()), gen), noAd: newNoAdLog(log, o.now), forgotten: o.forgotten}, nil
}

// stageGuard is guard, or the generator's own guard when that is the same (same limits, same
// brands): the stage then shares its memory of verdicts, and the creative the generator last
// checked is judged once. Either judges every creative alike.
func stageGuard(guard creative.Guard, gen creative.Generator) creative.Guard {
	if g, ok := gen.(interface{ Guard() creative.Guard }); ok && g.Guard().Same(guard) {
		return g.Guard()
	}
	return guard
}

// Name implements pipeline.Stage.
func (s *Stage) Name() string { return Name }

// Topics implements pipeline.Stage: the shifts topic.
func (s *Stage) Topics() []string { return []string{s.topics.Shifts} }

// Open implements pipeline.Stage. A partition starts with no memory of recent ads: it is a
// preference for variety, not state that must survive a rebalance.
func (s *Stage) Open(_ context.Context, _ string, _ int32) (pipeline.Processor, error) {
	return &processor{stage: s, recent: newRecent(s.cfg.RecentPerUser, s.cfg.RecentUsers)}, nil
}

// processor owns one partition of the shifts topic.
type processor struct {
	stage  *Stage
	recent *recent

	// retry keeps how far the partition was turned into records; pending holds those records
	// (ads and dead letters) until Emit acknowledges them, and shown the ads among them. A
	// retried batch emits pending again instead of choosing an arm and writing copy a second time.
	retry   pipeline.Retry
	pending []pipeline.Record
	shown   []shown
}

// shown is an ad in pending: remembered and counted once it is acknowledged.
type shown struct {
	user, product string
	info          schemas.GeneratorInfo
}

// Process publishes an ad for every shift in the batch that can have one, and dead-letters the
// shifts it cannot read, in a single Emit. Every choice depends on the shift and the shopper's
// own earlier shifts alone, never on where a batch begins or ends, so a replay at any speed, or
// after a crash, makes the same ads (a shift repeated within a batch, as a retried upstream
// batch may produce, is made once). Shifts below the applied offset are not read again: a retried
// batch re-emits exactly the records of the first attempt. The products advertised are
// remembered only once the Emit succeeded, so a batch whose ads were never built (ctx ended while
// writing them) picks the same products next time.
func (p *processor) Process(ctx context.Context, batch []pipeline.Record) error {
	return p.retry.Process(ctx, batch, func(fresh []pipeline.Record) (int, error) {
		out, ads, err := p.build(ctx, fresh)
		if err != nil {
			return 0, err // nothing of fresh was applied or emitted: the retry builds it anew
		}
		p.pending = append(p.pending, out...)
		p.shown = append(p.shown, ads...)
		return len(fresh), nil
	}, p.send)
}

// send emits the pending ads and dead letters, then remembers and counts the ads shown.
func (p *processor) send(ctx context.Context) error {
	s := p.stage
	if len(p.pending) == 0 {
		return nil
	}
	if err := s.out.Emit(ctx, p.pending); err != nil {
		return fmt.Errorf("emit %d ads and dead letters: %w", len(p.pending), err)
	}
	for _, a := range p.shown {
		p.recent.add(a.user, a.product)
		s.metrics.ad(a.info)
	}
	s.metrics.shifts.WithLabelValues(resultAd).Add(float64(len(p.shown)))
	p.pending, p.shown = nil, nil // the emitter may keep what it was given
	return nil
}

// build turns shifts into the records to emit: dead letters for the unreadable ones and an ad
// for each shift that gets one, in offset order. An ad skips the products of the shopper's ads
// earlier in the batch as it skips those already acknowledged. It fails only when ctx is done (or
// an ad cannot be encoded), and then applies nothing.
func (p *processor) build(ctx context.Context, batch []pipeline.Record) ([]pipeline.Record, []shown, error) {
	s := p.stage
	var out []pipeline.Record
	var ads []shown
	made := make(map[adKey]bool)        // (user, profile version) shifts read in this batch
	batchShown := map[string][]string{} // user -> products advertised earlier in this batch
	for _, rec := range batch {
		sh, err := schemas.DecodeShift(rec.Value)
		if err != nil {
			f, _ := schemas.AsFailure(err)
			out = append(out, pipeline.DeadLetter(s.topics.DLQ, Name, rec, f))
			s.metrics.shifts.WithLabelValues(resultDeadLettered).Inc()
			s.log.Warn("dead-lettered a shift", "topic", rec.Topic, "partition", rec.Partition, "offset", rec.Offset, "failure", f)
			continue
		}
		key := adKey{sh.User, sh.ProfileVersion}
		if made[key] {
			s.metrics.shifts.WithLabelValues(resultRepeated).Inc()
			continue
		}
		made[key] = true
		if s.forgotten.Has(sh.User) {
			s.metrics.shifts.WithLabelValues(resultForgotten).Inc()
			continue
		}
		ad, ok, err := p.adFor(ctx, sh, p.recent.last(slices.Concat(p.recent.get(sh.User), batchShown[sh.User])))
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		value, err := schemas.EncodeAd(&ad)
		if err != nil {
			return nil, nil, fmt.Errorf("encode ad %s: %w", ad.AdID, err)
		}
		out = append(out, pipeline.Record{Topic: s.topics.Ads, Key: []byte(ad.User), Value: value, Timestamp: ad.CreatedAt})
		ads = append(ads, shown{ad.User, ad.Product.ID, ad.Generator})
		batchShown[ad.User] = append(batchShown[ad.User], ad.Product.ID)
	}
	return out, ads, nil
}

// adKey is a shift's identity: its shopper and profile version.
type adKey struct {
	user    string
	version uint64
}

// adFor builds the ad for one shift, skipping the products in recent. It reports false for a shift that gets no ad (nothing to
// advertise, no copy, or copy the guard rejects) and fails only when ctx is done.
func (p *processor) adFor(ctx context.Context, sh schemas.Shift, recent []string) (schemas.Ad, bool, error) {
	s := p.stage
	choice, err := s.rank(&sh, recent)
	if err != nil {
		s.metrics.shifts.WithLabelValues(resultNoProduct).Inc()
		var e *catalog.NoProductError
		if errors.As(err, &e) {
			s.metrics.noProduct.WithLabelValues(e.Reason).Inc()
			s.noAd.note(resultNoProduct+"/"+e.Reason, "shifts get no ad: nothing in the catalogue fits", e.Hint(),
				"reason", e.Reason, "category", e.Interest, "user", sh.User, "close_products", e.Candidates)
		}
		return schemas.Ad{}, false, nil
	}
	product := choice.Product
	arm := s.chooser.Choose(sh.User, sh.ProfileVersion, strategy.Segment(sh.Summary))
	ad, vs, err := s.Compose(ctx, sh, product, arm, s.Locale(sh))
	ad.Match = choice.Match
	if err != nil {
		if ctx.Err() != nil {
			return schemas.Ad{}, false, ctx.Err()
		}
		s.metrics.shifts.WithLabelValues(resultGenerateError).Inc()
		s.noAd.note(resultGenerateError, "shifts get no ad: the generator wrote no copy", generateErrorHint,
			"reason", resultGenerateError, "user", sh.User, "product", product.ID, "arm", arm.Arm, "err", err)
		return schemas.Ad{}, false, nil
	}
	// Rules broken by drafts a Guarded generator rejected on the way count too.
	for _, v := range ad.Generator.Violations {
		s.metrics.violations.WithLabelValues(ruleOf(v)).Inc()
	}
	if len(vs) > 0 {
		s.metrics.shifts.WithLabelValues(resultGuardRejected).Inc()
		for _, v := range vs {
			s.metrics.violations.WithLabelValues(v.Rule).Inc()
		}
		s.noAd.note(resultGuardRejected+"/"+vs[0].Rule, "shifts get no ad: the guard rejected their copy", guardRejectedHint,
			"reason", resultGuardRejected, "rule", vs[0].Rule, "user", sh.User, "product", product.ID, "arm", arm.Arm,
			"generator", ad.Generator.Kind, "violation", vs[0].String())
		return schemas.Ad{}, false, nil
	}
	return ad, true, nil
}

// rank picks the product for sh, skipping those in recent (oldest first). Variety is a
// preference, not a rule: when every close product was advertised lately, the one advertised
// longest ago may be shown again, so whether a shift gets an ad never depends on the stage's
// memory, which a restart loses.
func (s *Stage) rank(sh *schemas.Shift, recent []string) (catalog.Choice, error) {
	for {
		choice, err := s.ranker.Rank(sh, recent)
		var e *catalog.NoProductError
		if err == nil || len(recent) == 0 || !errors.As(err, &e) || e.Reason != catalog.ReasonAllRecentlyShown {
			return choice, err
		}
		recent = recent[1:]
	}
}

// Locale is the locale the stage writes a shift's copy in: the shopper's, else the configured one.
func (s *Stage) Locale(sh schemas.Shift) string {
	if sh.Summary.Locale != "" {
		return sh.Summary.Locale
	}
	return s.cfg.Locale
}

// Compose assembles the ad for sh of product under the strategy st, its copy written in locale by the
// stage's generator and held to the stage's guard, its interest model the shift's, the last gate whoever wrote the copy. It
// returns the guard's violations beside the ad: the stage publishes only an ad with none, whose
// verdict is then pass unless the generator gave one. It fails when the generator does.
// `adshift creative preview` calls it to show the ad the stage would publish.
func (s *Stage) Compose(ctx context.Context, sh schemas.Shift, product schemas.Product, st schemas.Strategy, locale string) (schemas.Ad, []creative.Violation, error) {
	cr, info, err := s.gen.Generate(ctx, creative.Request{Shift: sh, Product: product, Arm: st.Arm, Locale: locale})
	if err != nil {
		return schemas.Ad{}, nil, err
	}
	vs := s.guard.CheckFor(cr, product, sh.User)
	if len(vs) == 0 && info.Verdict == "" {
		info.Verdict = schemas.VerdictPass
	}
	created := sh.EventTime.UTC()
	return schemas.Ad{
		AdID:           AdID(sh.User, sh.ProfileVersion, st.Arm),
		User:           sh.User,
		ProfileVersion: sh.ProfileVersion,
		Product:        product,
		Creative:       cr,
		Strategy:       st,
		Generator:      info,
		Reason:         sh.Reason,
		CreatedAt:      created,
		ExpiresAt:      created.Add(s.cfg.AdTTL),
		InterestModel:  sh.InterestModel,
		PreEvents:      sh.Events,
	}, vs, nil
}

// Close implements pipeline.Processor; the partition's memory of recent ads is simply dropped, and
// so are pending records: their batch was not committed and comes again to the next owner.
func (p *processor) Close(context.Context) error { return nil }
