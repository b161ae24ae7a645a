package kafka

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/kafka/franz"
)

func startBroker(t *testing.T, partitions int32, topics ...string) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func newProducer(t *testing.T, addrs []string, reg prometheus.Registerer) *Producer {
	t.Helper()
	p, err := NewProducer(ProducerConfig{Brokers: addrs}, nil, reg)
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	t.Cleanup(func() { _ = p.Close(context.WithoutCancel(t.Context())) })
	return p
}

// consumeAll reads n records from topic, from the start.
func consumeAll(t *testing.T, addrs []string, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic))
	if err != nil {
		t.Fatalf("consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records from %s: %v", len(out), n, topic, err)
		}
		out = append(out, fetches.Records()...)
	}
	return out
}

func shiftRecords(n int) []pipeline.Record {
	base := time.UnixMilli(1_700_000_000_000)
	recs := make([]pipeline.Record, n)
	for i := range recs {
		recs[i] = pipeline.Record{
			Topic:     "adshift.shifts",
			Key:       fmt.Appendf(nil, "user-%d", i%5),
			Value:     fmt.Appendf(nil, "shift-%d", i),
			Headers:   []schemas.Header{{Key: "reason", Value: []byte("new_interest")}, {Key: "seq", Value: fmt.Appendf(nil, "%d", i)}},
			Timestamp: base.Add(time.Duration(i) * time.Second),
		}
	}
	return recs
}

// Records arrive whole, in order per key; the Kafka timestamp is when they were written and the
// event time travels in a header, so time-based retention never deletes a replay of old data at
// once.
func TestProducerRoundTrip(t *testing.T) {
	start := time.Now().Add(-time.Second) // the broker's clock may round down
	addrs := startBroker(t, 3, "adshift.shifts")
	p := newProducer(t, addrs, prometheus.NewRegistry())
	sent := shiftRecords(40)
	if err := p.Emit(t.Context(), sent[:25]); err != nil {
		t.Fatalf("Emit: %v", err)
	}
	if err := p.Emit(t.Context(), sent[25:]); err != nil {
		t.Fatalf("Emit: %v", err)
	}

	got := consumeAll(t, addrs, "adshift.shifts", len(sent))
	bySeq := make(map[string]*kgo.Record)
	partitionOf := make(map[string]int32)
	lastSeq := make(map[string]int)
	for _, r := range got {
		seq := string(headerValue(r, "seq"))
		bySeq[seq] = r
		// Records of one key land in one partition, in the order they were emitted.
		key := string(r.Key)
		if p, ok := partitionOf[key]; ok && p != r.Partition {
			t.Errorf("key %s in partitions %d and %d", key, p, r.Partition)
		}
		partitionOf[key] = r.Partition
		var n int
		fmt.Sscan(seq, &n)
		if prev, ok := lastSeq[key]; ok && n < prev {
			t.Errorf("key %s: seq %d after %d", key, n, prev)
		}
		lastSeq[key] = n
	}
	for i, want := range sent {
		r, ok := bySeq[fmt.Sprint(i)]
		if !ok {
			t.Errorf("record %d never arrived", i)
			continue
		}
		if !bytes.Equal(r.Key, want.Key) || !bytes.Equal(r.Value, want.Value) ||
			string(headerValue(r, "reason")) != "new_interest" || !franz.EventTime(r).Equal(want.Timestamp) {
			t.Errorf("record %d arrived as key %q value %q headers %v at %v, want %+v", i, r.Key, r.Value, r.Headers, franz.EventTime(r), want)
		}
		if r.Timestamp.Before(start) {
			t.Errorf("record %d has Kafka timestamp %v, before it was written (%v): want the write time", i, r.Timestamp, start)
		}
	}
	if len(got) != len(sent) {
		t.Errorf("%d records arrived, want %d", len(got), len(sent))
	}
}

func headerValue(r *kgo.Record, key string) []byte {
	for _, h := range r.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return nil
}

func TestProducerEmitFailsNamingTheTopic(t *testing.T) {
	addrs := startBroker(t, 1, "ads.ready")
	p, err := NewProducer(ProducerConfig{Brokers: addrs}, nil, nil)
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	if err := p.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	err = p.Emit(t.Context(), []pipeline.Record{{Topic: "ads.ready", Value: []byte("ad")}})
	if err == nil || !strings.Contains(err.Error(), "ads.ready") {
		t.Fatalf("Emit after Close: error %v, want one naming topic ads.ready", err)
	}
}

func TestNewProducerNeedsBrokers(t *testing.T) {
	if _, err := NewProducer(ProducerConfig{}, nil, nil); err == nil {
		t.Fatal("NewProducer without brokers succeeded")
	}
}

func TestKcatReadsWhatProducerWrites(t *testing.T) {
	const kcatPath = "/usr/bin/kcat"
	if _, err := os.Stat(kcatPath); err != nil {
		t.Fatalf("kcat is required for the interop tests and is missing at %s: install Debian's kcat (apt-get install kcat)", kcatPath)
	}
	addrs := startBroker(t, 2, "ads.ready")
	p := newProducer(t, addrs, nil)
	var recs []pipeline.Record
	var want []string
	for i := range 6 {
		key, value := fmt.Sprintf("user-%d", i%3), fmt.Sprintf(`{"ad_id":"ad-%d"}`, i)
		recs = append(recs, pipeline.Record{
			Topic: "ads.ready", Key: []byte(key), Value: []byte(value),
			Headers: []schemas.Header{{Key: "generator", Value: []byte("template")}},
		})
		want = append(want, key+"|"+value+"|generator=template")
	}
	if err := p.Emit(t.Context(), recs); err != nil {
		t.Fatalf("Emit: %v", err)
	}

	cmd := exec.CommandContext(t.Context(), kcatPath, "-C", "-b", addrs[0], "-t", "ads.ready",
		"-o", "beginning", "-e", "-q", "-f", "%k|%s|%h\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kcat: %v\n%s", err, stderr.String())
	}
	got := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("kcat read\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Records to a topic with a schema get the header naming it, unless they carry one already;
// records to other topics get none.
func TestProducerAddsSchemaHeaders(t *testing.T) {
	addrs := startBroker(t, 1, "ads.ready", "other")
	p, err := NewProducer(ProducerConfig{Brokers: addrs, SchemaHeaders: map[string]string{"ads.ready": "adshift.ad.v1"}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(t.Context())
	err = p.Emit(t.Context(), []pipeline.Record{
		{Topic: "ads.ready", Key: []byte("a"), Value: []byte("{}"), Headers: []schemas.Header{{Key: "trace", Value: []byte("1")}}},
		{Topic: "ads.ready", Key: []byte("b"), Value: []byte("{}"), Headers: []schemas.Header{{Key: HeaderSchema, Value: []byte("adshift.ad.v0")}}},
		{Topic: "other", Key: []byte("c"), Value: []byte("{}")},
	})
	if err != nil {
		t.Fatal(err)
	}
	schemaOf := func(r *kgo.Record) []string {
		var out []string
		for _, h := range r.Headers {
			if h.Key == HeaderSchema {
				out = append(out, string(h.Value))
			}
		}
		return out
	}
	for _, r := range consumeAll(t, addrs, "ads.ready", 2) {
		want := map[string]string{"a": "adshift.ad.v1", "b": "adshift.ad.v0"}[string(r.Key)]
		if got := schemaOf(r); len(got) != 1 || got[0] != want {
			t.Errorf("record %s: schema headers %v, want [%s]", r.Key, got, want)
		}
		if string(r.Key) == "a" && (len(r.Headers) != 2 || r.Headers[0].Key != "trace") {
			t.Errorf("record a lost its own header: %v", r.Headers)
		}
	}
	if got := schemaOf(consumeAll(t, addrs, "other", 1)[0]); len(got) != 0 {
		t.Errorf("record to a topic without a schema has schema headers %v", got)
	}
}
