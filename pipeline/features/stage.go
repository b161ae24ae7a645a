package features

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Name names the stage in its consumer group (adshift-features) and in dead-letter headers.
const Name = "features"

// minEventTime is the earliest event timestamp accepted: older ones are clock bugs, not history.
var minEventTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Stage is the features stage: it reads the clickstream and publishes profile shifts and dead
// letters through its Emitter.
type Stage struct {
	cfg     Config
	out     pipeline.Emitter
	log     *slog.Logger
	metrics *metrics
	kinds   map[string]kind
	now     func() time.Time // the wall clock bounding future timestamps
}

var _ pipeline.Stage = (*Stage)(nil)

// New returns the features stage. out receives every shift and dead letter; logger and reg may be
// nil to discard logs and metrics.
func New(cfg Config, out pipeline.Emitter, logger *slog.Logger, reg prometheus.Registerer) (*Stage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, errors.New("features: nil emitter")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Stage{
		cfg:     cfg,
		out:     out,
		log:     logger.With("stage", Name),
		metrics: m,
		kinds:   interestKinds(cfg.Weights),
		now:     time.Now,
	}, nil
}

// Name returns "features".
func (s *Stage) Name() string { return Name }

// Topics returns the clickstream topic.
func (s *Stage) Topics() []string { return []string{s.cfg.ClickstreamTopic} }

// Open returns the processor of one clickstream partition. This first version keeps profiles in
// memory only, so a partition starts with no profiles.
func (s *Stage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open %s partition %d: %w", topic, partition, err)
	}
	s.log.Debug("partition opened", "topic", topic, "partition", partition)
	return &processor{
		stage:     s,
		topic:     topic,
		partition: partition,
		profiles:  make(map[string]*profile),
		detector: detector{
			minEvents: s.cfg.MinEvents,
			threshold: s.cfg.ShiftThreshold,
			cooldown:  s.cfg.Cooldown,
		},
	}, nil
}

// limits bounds the events decoded now.
func (s *Stage) limits() schemas.Limits {
	return schemas.Limits{
		MaxBytes: s.cfg.MaxEventBytes,
		MinTime:  minEventTime,
		MaxTime:  s.now().Add(s.cfg.FutureSkew),
	}
}
