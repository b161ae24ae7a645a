package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/sinks/clickhouse"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
	"github.com/adshift/adshift/sources/kafka"
)

// topicSpecs lists every topic adshift owns, with its partitions.
func topicSpecs(t config.Topics) []kafka.TopicSpec {
	spec := func(c config.Topic, compacted bool) kafka.TopicSpec {
		return kafka.TopicSpec{Name: c.Name, Partitions: c.Partitions, Compacted: compacted}
	}
	return []kafka.TopicSpec{
		spec(t.Clickstream, false), spec(t.DLQ, false), spec(t.Shifts, false),
		spec(t.Profiles, true), spec(t.Ads, false), spec(t.Outcomes, false),
		spec(t.Keyed, false), spec(t.Identities, true), spec(t.Control, true),
	}
}

// brokers returns the brokers to use: the configured ones, or those of a freshly started embedded
// broker (returned so the caller closes it last).
func (a *app) brokers(ctx context.Context) ([]string, *kafka.Embedded, error) {
	if !a.cfg.Kafka.Embedded() {
		return a.cfg.Kafka.Brokers, nil, nil
	}
	emb, err := kafka.StartEmbedded(ctx, a.cfg.Kafka.EmbeddedAddr, topicSpecs(a.cfg.Topics), a.log)
	if err != nil {
		return nil, nil, err
	}
	addrs := emb.Addrs()
	a.log.Info("embedded Kafka broker started; any Kafka client can attach", "addr", addrs[0], "try", "kcat -b "+addrs[0]+" -L")
	return addrs, emb, nil
}

// producer returns a producer on brokers that has checked the topics exist (creating them when
// kafka.create_topics is set).
func (a *app) producer(ctx context.Context, brokers []string, clientID string) (*sinkkafka.Producer, error) {
	p, err := sinkkafka.NewProducer(a.producerConfig(brokers, clientID), a.log, a.reg)
	if err != nil {
		return nil, err
	}
	// A broker that accepts connections but never answers fails here within the dial timeout,
	// naming the brokers tried, rather than in the first request's retries.
	a.log.Debug("connecting to kafka", "brokers", brokers, "timeout", a.cfg.Kafka.DialTimeout.String())
	pingCtx, cancel := context.WithTimeout(ctx, a.cfg.Kafka.DialTimeout)
	err = kafka.Ping(pingCtx, p.Client(), brokers)
	cancel()
	if err != nil {
		_ = p.Close(ctx)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, connectionError{fmt.Errorf("%w (waited kafka.dial_timeout, %s)", err, a.cfg.Kafka.DialTimeout)}
	}
	if err := kafka.EnsureTopics(ctx, p.Client(), topicSpecs(a.cfg.Topics), a.cfg.Kafka.CreateTopics); err != nil {
		_ = p.Close(ctx)
		return nil, fmt.Errorf("kafka %v: %w", brokers, err)
	}
	return p, nil
}

// producerConfig is how adshift produces to brokers: the producer's and, under
// kafka.exactly_once, the features group's transactional client's.
func (a *app) producerConfig(brokers []string, clientID string) sinkkafka.ProducerConfig {
	return sinkkafka.ProducerConfig{
		Brokers:     brokers,
		ClientID:    clientID,
		Compression: a.cfg.Kafka.Compression,
		SchemaHeaders: map[string]string{
			a.cfg.Topics.Ads.Name:        "adshift.ad.v1",
			a.cfg.Topics.Shifts.Name:     "adshift.shift.v1",
			a.cfg.Topics.DLQ.Name:        "adshift.dead_letter.v1",
			a.cfg.Topics.Profiles.Name:   "adshift.profile.v1",
			a.cfg.Topics.Identities.Name: "adshift.identity.v1",
		},
		Conn: a.kafka,
		// The changelog is co-partitioned with the clickstream: a profile goes to the partition
		// number of the input it came from, whatever partitioner the tracker used.
		ExplicitPartitions: []string{a.cfg.Topics.Profiles.Name},
	}
}

// clickhouse opens the ClickHouse client and applies the migrations.
func (a *app) clickhouse(ctx context.Context) (*clickhouse.Client, error) {
	ch, err := clickhouse.Open(ctx, a.cfg.ClickHouse, a.log)
	if err != nil {
		return nil, err
	}
	a.ready.add("clickhouse", func(ctx context.Context) error {
		if _, err := ch.DatabaseExists(ctx); err != nil {
			return fmt.Errorf("clickhouse at %s: %w", a.cfg.ClickHouse.Addr, err)
		}
		return nil
	})
	a.status.useClickHouse(ch)
	applied, err := ch.Migrate(ctx, false, nil)
	if err != nil {
		_ = ch.Close()
		return nil, err
	}
	if len(applied) > 0 {
		a.log.Info("clickhouse migrations applied", "database", ch.Database(), "migrations", applied)
	}
	return ch, nil
}

// group returns the consumer-group configuration of one stage.
func (a *app) group(brokers []string, stage string) kafka.GroupConfig {
	return kafka.GroupConfig{
		Brokers:           brokers,
		Group:             "adshift-" + stage,
		ClientID:          a.cfg.Kafka.ClientID + "-" + stage,
		ShutdownTimeout:   a.cfg.Shutdown.Timeout,
		SessionTimeout:    a.cfg.Kafka.SessionTimeout,
		HeartbeatInterval: a.cfg.Kafka.HeartbeatInterval,
		InstanceID:        instanceID(a.cfg.Kafka.InstanceID, stage),
		Conn:              a.kafka,
	}
}

// instanceID is a stage's static group member id: the configured instance id with the stage
// appended, or none.
func instanceID(id, stage string) string {
	if id == "" {
		return ""
	}
	return id + "-" + stage
}

// writePage writes an HTML page (report, profile-eval) with write to a temporary file beside path and renames it over path,
// so a browser never sees half a page.
func writePage(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".page-*.html")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("html report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("html report %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("html report %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("html report %s: %w", path, err)
	}
	return nil
}
