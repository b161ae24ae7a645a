// Package kafka is where records leave adshift for Kafka topics. Its Producer is the
// pipeline.Emitter every stage publishes through: Emit returns only once the broker has
// acknowledged every record, so the input that caused them may then be committed. A Producer is
// safe for concurrent use by all partition workers.
package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/kafka/franz"
)

var _ pipeline.Emitter = (*Producer)(nil)

// ProducerConfig configures a Producer. Zero values take the defaults noted.
type ProducerConfig struct {
	Brokers []string
	// ClientID names the client to the brokers and in client metrics (default "adshift-producer").
	ClientID string
	// Linger is how long a partition's batch waits for more records before it is sent
	// (default 5ms): a little latency for much larger batches.
	Linger time.Duration
	// MaxBufferedRecords bounds records waiting to be sent; Emit blocks while the buffer is full
	// (default 10000).
	MaxBufferedRecords int
	// BatchMaxBytes caps one partition's batch (default 1 MiB).
	BatchMaxBytes int32
	// ExplicitPartitions lists the topics whose records go to the partition Record.Partition
	// names instead of the one their key hashes to: changelogs, which must land in the partition
	// number of the input they came from whatever partitioner wrote that input. Other topics are
	// partitioned by key (murmur2, like the Java client).
	ExplicitPartitions []string
	// Compression is the codec of every batch: none, gzip (default), snappy, lz4 or zstd. Every
	// Kafka client reads gzip; kafkajs reads snappy, lz4 and zstd only with plugins.
	Compression string
	// SchemaHeaders names, per topic, the schema and version of its records: each record to such
	// a topic carries it in the header adshift.schema (unless it has that header already), so a
	// consumer can tell versions apart without parsing the value.
	SchemaHeaders map[string]string
	// Conn is how the client reaches the brokers: TLS, SASL, dial timeout, dialer.
	Conn franz.Connection
}

// HeaderSchema is the record header naming a record's schema and version ("adshift.ad.v1").
const HeaderSchema = "adshift.schema"

func (c ProducerConfig) withDefaults() ProducerConfig {
	if c.ClientID == "" {
		c.ClientID = "adshift-producer"
	}
	if c.Linger <= 0 {
		c.Linger = 5 * time.Millisecond
	}
	if c.MaxBufferedRecords <= 0 {
		c.MaxBufferedRecords = 10000
	}
	if c.BatchMaxBytes <= 0 {
		c.BatchMaxBytes = 1 << 20
	}
	if c.Compression == "" {
		c.Compression = franz.CompressionGzip
	}
	return c
}

// Producer publishes records with franz-go's idempotent producer: retries never duplicate or
// reorder records within a partition.
type Producer struct {
	cl      *kgo.Client
	schemas map[string]string
	owned   bool // Close closes cl
}

// NewProducer returns a producer for the given brokers. A nil logger discards logs; a nil
// registerer discards metrics.
func NewProducer(cfg ProducerConfig, logger *slog.Logger, reg prometheus.Registerer) (*Producer, error) {
	cfg = cfg.withDefaults()
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("producer: no brokers")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	producing, err := cfg.ProducingOpts()
	if err != nil {
		return nil, err
	}
	opts := append([]kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ClientID(cfg.ClientID),
		kgo.WithLogger(franz.Logger(logger.With("component", "kafka-producer"))),
	}, producing...)
	opts = append(opts, cfg.Conn.Opts()...)
	if reg != nil {
		opts = append(opts, kgo.WithHooks(kprom.NewMetrics("adshift_kafka",
			kprom.Registerer(reg), kprom.WithClientLabel())))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("producer: %w", err)
	}
	return &Producer{cl: cl, schemas: cfg.SchemaHeaders, owned: true}, nil
}

// ProducingOpts are the client options of how c produces: acknowledgements, batching,
// compression and partitioning, without the brokers, client id, logger or connection. A client
// built elsewhere with them (a consumer group's transactional client) produces as a Producer does.
func (c ProducerConfig) ProducingOpts() ([]kgo.Opt, error) {
	c = c.withDefaults()
	codec, err := franz.Compression(c.Compression)
	if err != nil {
		return nil, fmt.Errorf("producer: %w", err)
	}
	return []kgo.Opt{
		kgo.RequiredAcks(kgo.AllISRAcks()), // required by, and the default of, idempotent writes
		kgo.ProducerLinger(c.Linger),
		kgo.MaxBufferedRecords(c.MaxBufferedRecords),
		kgo.ProducerBatchMaxBytes(c.BatchMaxBytes),
		kgo.ProducerBatchCompression(codec),
		kgo.RecordPartitioner(newExplicitPartitioner(c.ExplicitPartitions)),
	}, nil
}

// NewProducerOn returns a producer that emits through cl, a client built with cfg's
// ProducingOpts and owned by its caller: Close leaves it open. Through a transactional client,
// Emit writes into the transaction in progress.
func NewProducerOn(cl *kgo.Client, cfg ProducerConfig) *Producer {
	return &Producer{cl: cl, schemas: cfg.SchemaHeaders}
}

// Emit produces recs, keyed by Record.Key, and returns once every one is acknowledged. The
// client retries retryable failures until ctx ends; no delivery timeout is set. Each record's
// Kafka timestamp is the time it is written; its Record.Timestamp, the event time, travels in
// the header adshift.event_time, from which the consumer side restores it. When ctx
// ends first, Emit returns at once; the records still buffered may or may not reach the broker.
// On failure it returns the first error, naming its topic; the caller retries the whole input
// batch, and idempotent effects downstream absorb what was written twice.
func (p *Producer) Emit(ctx context.Context, recs []pipeline.Record) error {
	if len(recs) == 0 {
		return nil
	}
	out := make([]*kgo.Record, len(recs))
	for i, r := range recs {
		out[i] = &kgo.Record{
			Topic:     r.Topic,
			Partition: r.Partition, // used only for ExplicitPartitions topics
			Key:       r.Key,
			Value:     r.Value,
			Headers:   p.headers(r),
			// Zero: the client stamps the write time.
		}
	}
	// Each promise reports into a channel with room for all of them, so Emit can give up when
	// ctx ends — a broker that stays unreachable must not hold a shutdown past its deadline — and
	// records resolved after that never block the client.
	results := make(chan error, len(out))
	for _, r := range out {
		p.cl.Produce(ctx, r, func(r *kgo.Record, err error) {
			if err != nil {
				err = fmt.Errorf("produce to %s: %w", r.Topic, err)
			}
			results <- err
		})
	}
	var first error
	for range out {
		select {
		case err := <-results:
			if err != nil && first == nil {
				first = err
			}
		case <-ctx.Done():
			return fmt.Errorf("produce %d records: %w", len(out), ctx.Err())
		}
	}
	return first
}

// headers are r's headers, with its event time and its topic's schema added when it has no such
// headers.
func (p *Producer) headers(r pipeline.Record) []kgo.RecordHeader {
	hs := franz.RecordHeaders(r.Headers)
	if !r.Timestamp.IsZero() && r.Header(franz.HeaderEventTime) == nil {
		hs = append(hs, franz.EventTimeHeader(r.Timestamp))
	}
	schema, ok := p.schemas[r.Topic]
	if !ok || r.Header(HeaderSchema) != nil {
		return hs
	}
	return append(hs, kgo.RecordHeader{Key: HeaderSchema, Value: []byte(schema)})
}

// Client returns the underlying franz-go client, for admin work such as creating topics.
func (p *Producer) Client() *kgo.Client { return p.cl }

// Close waits until every buffered record is acknowledged or ctx ends, then closes the client
// (nothing, for a producer on a client it does not own).
func (p *Producer) Close(ctx context.Context) error {
	if !p.owned {
		return nil
	}
	err := p.cl.Flush(ctx)
	p.cl.Close()
	if err != nil {
		return fmt.Errorf("producer: flush on close: %w", err)
	}
	return nil
}
