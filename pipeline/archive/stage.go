package archive

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

// Name names the stage; its consumer group is adshift-archive.
const Name = "archive"

// Config configures the archive stage. The topics it archives (clickstream, ads, outcomes) are
// pipeline.Topics, given to New beside it.
type Config struct {
	// RollInterval is the longest a segment stays open in wall time, checked as batches arrive.
	RollInterval time.Duration `mapstructure:"roll_interval"`
	// Lateness is how long past the end of an hour, in event time, a segment waits for that
	// hour's stragglers before it is cut.
	Lateness time.Duration `mapstructure:"lateness"`
	// MaxBytes bounds the record bytes (key, value and headers) of one segment, and so the memory
	// a partition holds.
	MaxBytes int64 `mapstructure:"max_bytes"`
}

// DefaultConfig returns the defaults: hourly rolls, five minutes of lateness and segments of
// at most 256 MiB.
func DefaultConfig() Config {
	return Config{RollInterval: time.Hour, Lateness: 5 * time.Minute, MaxBytes: 256 << 20}
}

// Validate reports every setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.RollInterval > 0, "roll_interval: %v is not positive", c.RollInterval)
	check(c.Lateness >= 0, "lateness: %v is negative", c.Lateness)
	check(c.MaxBytes >= 1<<20, "max_bytes: %d is below 1 MiB", c.MaxBytes)
	return errors.Join(errs...)
}

// Stage is the archive stage: it reads the clickstream, ads and outcomes topics and writes their
// records to hourly files through Files.
type Stage struct {
	cfg       Config
	topics    pipeline.Topics
	files     Files
	kinds     map[string]schemas.ArchiveKind // by topic
	log       *slog.Logger
	metrics   *metrics
	now       func() time.Time    // the wall clock of the roll interval
	forgotten *pipeline.Forgotten // shoppers whose records are not kept; nil: none
}

var _ pipeline.Stage = (*Stage)(nil)

// New returns the archive stage archiving the topics named through files; logger and reg may
// be nil to discard logs and metrics.
func New(cfg Config, topics pipeline.Topics, files Files, logger *slog.Logger, reg prometheus.Registerer, opts ...Option) (*Stage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if err := topics.Validate(); err != nil {
		return nil, fmt.Errorf("archive topics: %w", err)
	}
	if files == nil {
		return nil, errors.New("archive: nil files")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("archive: register metrics: %w", err)
	}
	s := &Stage{
		cfg:    cfg,
		topics: topics,
		files:  files,
		kinds: map[string]schemas.ArchiveKind{
			topics.Clickstream: schemas.ArchiveClickstream,
			topics.Ads:         schemas.ArchiveAds,
			topics.Outcomes:    schemas.ArchiveOutcomes,
		},
		log:     logger.With("stage", Name),
		metrics: m,
		now:     time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Option configures a Stage beyond its Config.
type Option func(*Stage)

// WithForgotten makes the stage keep no record about a shopper in f (pipeline.Forgotten.Names):
// once forgotten, nothing new of theirs lands in the archive.
func WithForgotten(f *pipeline.Forgotten) Option {
	return func(s *Stage) { s.forgotten = f }
}

// Name returns "archive".
func (s *Stage) Name() string { return Name }

// Topics returns the clickstream, ads and outcomes topics.
func (s *Stage) Topics() []string {
	return []string{s.topics.Clickstream, s.topics.Ads, s.topics.Outcomes}
}

// Open returns the processor of one partition of one of the stage's topics. It starts with
// nothing held: the partition's first record starts a segment.
func (s *Stage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open %s partition %d: %w", topic, partition, err)
	}
	kind, ok := s.kinds[topic]
	if !ok {
		return nil, fmt.Errorf("archive: topic %q is not archived", topic)
	}
	return &processor{stage: s, kind: kind, topic: topic, partition: partition}, nil
}
