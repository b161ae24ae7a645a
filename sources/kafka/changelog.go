package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// ChangelogConfig configures a Changelog.
type ChangelogConfig struct {
	Brokers []string
	// Topic is the compacted changelog topic, co-partitioned with the stage's input.
	Topic string
	// ClientID names the restore clients to the brokers (default "adshift-restore").
	ClientID string
	// Conn is how the clients reach the brokers: TLS, SASL, dial timeout, dialer.
	Conn franz.Connection
}

// Changelog reads a stage's changelog partitions back when partitions are assigned. It is safe
// for concurrent use: every Restore uses its own short-lived client, so partitions restore in
// parallel and a restore never competes with the consumer group's fetches.
type Changelog struct {
	cfg ChangelogConfig
	log *slog.Logger
}

var _ pipeline.Changelog = (*Changelog)(nil)

// NewChangelog returns a changelog reader. A nil logger discards logs.
func NewChangelog(cfg ChangelogConfig, logger *slog.Logger) (*Changelog, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("changelog: no brokers")
	}
	if cfg.Topic == "" {
		return nil, errors.New("changelog: no topic")
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "adshift-restore"
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Changelog{cfg: cfg, log: logger.With("changelog", cfg.Topic)}, nil
}

// Restore calls fn with every committed record of the partition from its start up to its last
// stable offset at the time of the call, in order (without transactions, its end offset). Records written after the call started are not read: the
// caller owns the partition, so nobody else writes them.
func (c *Changelog) Restore(ctx context.Context, partition int32, fn func(key, value []byte) error) error {
	opts := c.clientOpts()
	start, end, err := c.offsets(ctx, opts, partition)
	if err != nil || end <= start {
		return err
	}
	return c.read(ctx, opts, partition, start, end, fn)
}

// clientOpts are the options of a restore's clients.
func (c *Changelog) clientOpts() []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.cfg.Brokers...),
		kgo.ClientID(c.cfg.ClientID),
		kgo.WithLogger(franz.Logger(c.log)),
		// Control records take offsets too; seeing them tells when the end is reached.
		kgo.KeepControlRecords(),
		// What an aborted transaction wrote (kafka.exactly_once) is not the partition's state.
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
	}
	return append(opts, c.cfg.Conn.Opts()...)
}

// offsets returns the partition's start and end offsets, read with a client of its own.
func (c *Changelog) offsets(ctx context.Context, opts []kgo.Opt, partition int32) (start, end int64, err error) {
	admCl, err := kgo.NewClient(opts...)
	if err != nil {
		return 0, 0, fmt.Errorf("changelog %s partition %d: %w", c.cfg.Topic, partition, err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	starts, err := adm.ListStartOffsets(ctx, c.cfg.Topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return 0, 0, fmt.Errorf("changelog %s partition %d: start offset: %w", c.cfg.Topic, partition, err)
	}
	// The last stable offset: a transaction still open there was left by an instance that no
	// longer owns the partition (the caller does), so it can only abort.
	ends, err := adm.ListCommittedOffsets(ctx, c.cfg.Topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return 0, 0, fmt.Errorf("changelog %s partition %d: end offset: %w", c.cfg.Topic, partition, err)
	}
	s, okStart := starts.Lookup(c.cfg.Topic, partition)
	e, okEnd := ends.Lookup(c.cfg.Topic, partition)
	if !okStart || !okEnd {
		return 0, 0, fmt.Errorf("changelog %s has no partition %d: it must have as many partitions as the input", c.cfg.Topic, partition)
	}
	return s.Offset, e.Offset, nil
}

// read calls fn with the records of the partition in [start, end), skipping control records.
func (c *Changelog) read(ctx context.Context, opts []kgo.Opt, partition int32, start, end int64, fn func(key, value []byte) error) error {
	cl, err := kgo.NewClient(append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{
		c.cfg.Topic: {partition: kgo.NewOffset().At(start)},
	}))...)
	if err != nil {
		return fmt.Errorf("changelog %s partition %d: %w", c.cfg.Topic, partition, err)
	}
	defer cl.Close()
	for next := start; next < end; {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("changelog %s partition %d: restore stopped at offset %d of %d: %w", c.cfg.Topic, partition, next, end, err)
		}
		var ferr error
		fetches.EachError(func(_ string, _ int32, err error) { ferr = errors.Join(ferr, err) })
		if ferr != nil {
			return fmt.Errorf("changelog %s partition %d: fetch: %w", c.cfg.Topic, partition, ferr)
		}
		for it := fetches.RecordIter(); !it.Done() && next < end; {
			r := it.Next()
			if r.Offset >= end {
				break
			}
			next = r.Offset + 1
			if r.Attrs.IsControl() {
				continue
			}
			if err := fn(r.Key, r.Value); err != nil {
				return fmt.Errorf("changelog %s partition %d offset %d: %w", c.cfg.Topic, partition, r.Offset, err)
			}
		}
	}
	return nil
}
