package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/sources/dataset/datasettest"
	"github.com/adshift/adshift/sources/kafka"
)

// profileCapture keeps the latest changelog value of every key the features stage writes, as a
// compacted topic ends up holding them.
type profileCapture struct {
	topic  string
	mu     sync.Mutex
	latest map[string][]byte
}

func (c *profileCapture) Emit(_ context.Context, recs []pipeline.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range recs {
		if r.Topic == c.topic {
			c.latest[string(r.Key)] = append([]byte(nil), r.Value...) // Emit's caller reuses the bytes
		}
	}
	return nil
}

// BenchmarkChangelogRestore measures what a features instance does after a crash: reopen its
// partitions from the compacted profiles changelog on the embedded broker, every partition in
// parallel as the consumer group opens them, decoding every profile back into memory. The
// changelog holds the real profiles of the REES46 sample's shoppers, copied under new keys to
// restoreCopies times as many (the progress markers left out). It reports profiles restored per second and changelog bytes per
// profile, the figures docs/sizing.md scales restore times from.
func BenchmarkChangelogRestore(b *testing.B) {
	const restoreCopies = 20
	cfg := config.Default()
	topics := cfg.Topics.Names()
	partitions := cfg.Topics.Profiles.Partitions
	ctx := context.Background()

	capture := &profileCapture{topic: topics.Profiles, latest: map[string][]byte{}}
	st, err := features.New(cfg.Features, topics, capture, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for p, recs := range datasettest.Clickstream(b, "rees46", rees46File, partitions, nil) {
		proc, err := st.Open(ctx, topics.Clickstream, int32(p))
		if err != nil {
			b.Fatal(err)
		}
		for len(recs) > 0 {
			n := min(500, len(recs))
			if err := proc.Process(ctx, recs[:n]); err != nil {
				b.Fatal(err)
			}
			recs = recs[n:]
		}
		if err := proc.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}

	broker, err := kafka.StartEmbedded(ctx, "127.0.0.1:0", topicSpecs(cfg.Topics), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer broker.Close()
	profiles, bytes := produceProfiles(b, broker.Addrs(), topics.Profiles, partitions, capture.latest, restoreCopies)

	cl, err := kafka.NewChangelog(kafka.ChangelogConfig{Brokers: broker.Addrs(), Topic: topics.Profiles}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	for b.Loop() {
		restored, err := features.New(cfg.Features, topics, pipelinetest.Discard{}, nil, nil, features.WithChangelog(cl))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, partitions)
		for p := range partitions {
			wg.Go(func() {
				proc, err := restored.Open(ctx, topics.Clickstream, p)
				if err == nil {
					err = proc.Close(ctx)
				}
				errs[p] = err
			})
		}
		wg.Wait()
		took += time.Since(start)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(profiles), "profiles")
	b.ReportMetric(float64(profiles)*n/took.Seconds(), "profiles/s")
	b.ReportMetric(float64(bytes)/float64(profiles), "changelog-bytes/profile")
	b.ReportMetric(float64(bytes)*n/took.Seconds()/1e6, "changelog-MB/s")
}

// produceProfiles writes every captured changelog record copies times, each copy under its own
// keys, to the partition of topic its key hashes to, and returns the records and bytes written.
func produceProfiles(b *testing.B, brokers []string, topic string, partitions int32, latest map[string][]byte, copies int) (int, int) {
	b.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerBatchMaxBytes(1<<20))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	size := 0
	i := 0
	for key, value := range latest {
		if key[0] == 0 { // the progress marker names offsets of the partition it came from
			continue
		}
		for c := range copies {
			k := fmt.Appendf(nil, "%s~%d", key, c)
			recs = append(recs, &kgo.Record{Key: k, Value: value, Partition: int32(i % int(partitions))})
			size += len(k) + len(value)
			i++
		}
	}
	if err := cl.ProduceSync(b.Context(), recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
	return len(recs), size
}
