package rekey

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// Name names the stage in its consumer group (adshift-rekey).
const Name = "rekey"

// Stage is the rekey stage: it reads the clickstream and writes the keyed clickstream and the
// identities through its Emitter.
type Stage struct {
	cfg        Config
	topics     pipeline.Topics
	out        pipeline.Emitter
	restore    pipeline.Changelog // the identities topic; nil: the mapping starts empty
	partitions int32              // of the identities topic
	ids        *identities
	log        *slog.Logger
	metrics    *metrics
}

var _ pipeline.Stage = (*Stage)(nil)

// Option configures a Stage beyond its Config.
type Option func(*Stage)

// WithIdentities makes the stage read the mapping back from the identities topic, all its
// partitions, when its first partition is assigned.
func WithIdentities(cl pipeline.Changelog, partitions int32) Option {
	return func(s *Stage) { s.restore, s.partitions = cl, partitions }
}

// New returns the rekey stage. logger and reg may be nil to discard logs and metrics.
func New(cfg Config, topics pipeline.Topics, out pipeline.Emitter, logger *slog.Logger, reg prometheus.Registerer, opts ...Option) (*Stage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("rekey: %w", err)
	}
	if err := topics.Validate(); err != nil {
		return nil, fmt.Errorf("rekey topics: %w", err)
	}
	if out == nil {
		return nil, errors.New("rekey: nil emitter")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	s := &Stage{cfg: cfg, topics: topics, out: out, ids: &identities{known: map[string]string{}},
		log: logger.With("stage", Name), metrics: m}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Name returns "rekey".
func (s *Stage) Name() string { return Name }

// Topics returns the clickstream topic and the control topic, whose deletion requests it
// forwards to the shopper's partition of the keyed topic.
func (s *Stage) Topics() []string { return []string{s.topics.Clickstream, s.topics.Control} }

// Open returns the processor of one clickstream partition, once the mapping is restored.
func (s *Stage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	corrupt, err := s.ids.load(ctx, s.restore, s.partitions)
	if err != nil {
		return nil, fmt.Errorf("open %s partition %d: %w", topic, partition, err)
	}
	if corrupt > 0 {
		s.metrics.corrupt.Add(float64(corrupt))
		s.log.Warn("skipped identities that do not decode", "records", corrupt)
	}
	return &processor{stage: s, control: topic == s.topics.Control}, nil
}
