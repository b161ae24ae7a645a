package features

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/shift"
	"github.com/adshift/adshift/schemas"
)

// Name names the stage in its consumer group (adshift-features) and in dead-letter headers.
const Name = "features"

// Stage is the features stage: it reads the clickstream and publishes profile shifts, dead
// letters and the profile changelog through its Emitter.
type Stage struct {
	cfg       Config
	topics    pipeline.Topics
	out       pipeline.Emitter
	changelog pipeline.Changelog
	log       *slog.Logger
	metrics   *metrics
	kinds     map[string]kind
	horizons  horizons
	detector  *shift.Detector
	model     *interest.Model  // nil: the decayed profile predicts
	now       func() time.Time // the wall clock bounding future timestamps
	keyed     bool             // reads the keyed clickstream the rekey stage writes
	inFlight  int              // batches in flight per partition (WithInFlight); 0: none
}

var _ pipeline.Stage = (*Stage)(nil)

// Option configures a Stage beyond its Config.
type Option func(*Stage)

// WithChangelog makes the stage restore a partition's profiles from the changelog when the
// partition is assigned. Without it partitions start empty, as in offline evaluation.
func WithChangelog(cl pipeline.Changelog) Option {
	return func(s *Stage) { s.changelog = cl }
}

// FromKeyed makes the stage read the keyed clickstream (topics.Keyed) the rekey stage writes,
// where every record is keyed by its shopper and identify and alias calls merge profiles,
// instead of the clickstream itself, which must then be keyed by shopper.
func FromKeyed() Option {
	return func(s *Stage) { s.keyed = true }
}

// New returns the features stage, reading and writing the topics named. out receives every
// shift, dead letter and changelog record; logger and reg may be nil to discard logs and metrics.
func New(cfg Config, topics pipeline.Topics, out pipeline.Emitter, logger *slog.Logger, reg prometheus.Registerer, opts ...Option) (*Stage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	if err := topics.Validate(); err != nil {
		return nil, fmt.Errorf("features topics: %w", err)
	}
	if out == nil {
		return nil, errors.New("features: nil emitter")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	det, err := shift.New(cfg.Shift)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	s := &Stage{
		cfg:     cfg,
		topics:  topics,
		out:     out,
		log:     logger.With("stage", Name),
		metrics: m,
		kinds:   interestKinds(cfg.Weights),
		horizons: horizons{
			short:   float64(cfg.ShortHalfLife.Milliseconds()),
			long:    float64(cfg.LongHalfLife.Milliseconds()),
			session: 2 * cfg.ShortHalfLife.Milliseconds(),
		},
		detector: det,
		now:      time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Name returns "features".
func (s *Stage) Name() string { return Name }

// Topics returns the clickstream topic, or the keyed clickstream with FromKeyed.
func (s *Stage) Topics() []string {
	if s.keyed {
		return []string{s.topics.Keyed}
	}
	return []string{s.topics.Clickstream}
}

// Open returns the processor of one clickstream partition, its profiles and progress restored
// from the changelog partition of the same number.
func (s *Stage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	p, err := s.open(ctx, topic, partition)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// open returns the processor of one partition, restored from the changelog.
func (s *Stage) open(ctx context.Context, topic string, partition int32) (*processor, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open %s partition %d: %w", topic, partition, err)
	}
	p := &processor{
		stage:     s,
		topic:     topic,
		partition: partition,
		names:     newNames(),
		profiles:  make(map[string]*profile),
	}
	p.keep = p.keepString
	if s.model != nil {
		p.predictor = newPredictor(s.model)
	}
	if s.changelog != nil {
		if err := p.restore(ctx); err != nil {
			return nil, err
		}
	}
	if s.inFlight > 0 {
		p.outbox = pipeline.NewOutbox(s.out, s.inFlight, p.retry.Applied)
	}
	s.log.Debug("partition opened", "topic", topic, "partition", partition, "profiles", len(p.profiles))
	return p, nil
}

// limits bounds the events decoded now.
func (s *Stage) limits() schemas.Limits {
	return schemas.Limits{
		MaxBytes: s.cfg.MaxEventBytes,
		MinTime:  schemas.MinEventTime,
		MaxTime:  s.now().Add(s.cfg.FutureSkew),
	}
}
