package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/kafka"
	"github.com/adshift/adshift/sources/kafka/franz"
	srcparquet "github.com/adshift/adshift/sources/parquet"
)

// recordsProcessed is how many records the consumer group of stage has processed, from a's
// metrics.
func recordsProcessed(t *testing.T, a *app, stage string) float64 {
	t.Helper()
	mfs, err := a.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "adshift_group_records_processed_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "group" && l.GetValue() == "adshift-"+stage {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// endOffsets sums the end offsets of topics: how many records they hold.
func endOffsets(t testing.TB, brokers []string, topics ...string) int64 {
	t.Helper()
	adm, err := kadm.NewOptClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	ends, err := adm.ListEndOffsets(t.Context(), topics...)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

// waitArchived waits until the archive stage of a running pipeline has taken in every record of
// the topics it archives.
func waitArchived(t *testing.T, a *app, brokers []string) {
	t.Helper()
	topics := a.cfg.Topics.Names()
	want := endOffsets(t, brokers, topics.Clickstream, topics.Ads, topics.Outcomes)
	waitFor(t, fmt.Sprintf("the archive stage to take in %d records", want), 60*time.Second, func() bool {
		return recordsProcessed(t, a, archive.Name) >= float64(want)
	})
}

// checkArchive wants the archive of a stopped pipeline to hold every record of the topic, once,
// in its partition's order, exactly as it is on the broker; and the group to have committed all.
func checkArchive(t *testing.T, a *app, brokers []string, kind schemas.ArchiveKind, topic string) {
	t.Helper()
	onTopic := readAll(t, brokers, topic)
	r, err := srcparquet.Open(a.cfg.Archive.Files.Dir, kind)
	if err != nil {
		t.Fatalf("open the %s archive: %v", kind, err)
	}
	defer r.Close()
	archived := map[int32][]pipeline.Record{}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("read the %s archive: %v", kind, err)
		}
		archived[rec.Partition] = append(archived[rec.Partition], rec)
	}
	n := 0
	for _, recs := range archived {
		n += len(recs)
	}
	if n != len(onTopic) {
		t.Fatalf("the %s archive holds %d records, %s holds %d", kind, n, topic, len(onTopic))
	}
	next := map[int32]int{}
	for _, want := range onTopic {
		got := archived[want.Partition][next[want.Partition]]
		next[want.Partition]++
		if got.Offset != want.Offset || !bytes.Equal(got.Key, want.Key) || !bytes.Equal(got.Value, want.Value) ||
			!got.Timestamp.Equal(franz.EventTime(want)) || len(got.Headers) != len(want.Headers) {
			t.Fatalf("%s partition %d: archived record %d/%d differs from the topic's %d/%d", kind, want.Partition, got.Partition, got.Offset, want.Partition, want.Offset)
		}
	}
	adm, err := kadm.NewOptClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	lag, err := adm.Lag(t.Context(), "adshift-archive")
	if err != nil {
		t.Fatal(err)
	}
	if l := lag["adshift-archive"]; l.FetchErr != nil || l.Lag.TotalByTopic()[topic].Lag != 0 {
		t.Errorf("adshift-archive lags on %s after a clean stop: %+v", topic, l.Lag.TotalByTopic()[topic])
	}
}

// `adshift replay --parquet` puts the archived clickstream back on a fresh broker exactly as it
// was: the same records in the same partitions, in the same order, bad input and headers
// included. The archive is written by the archive stage of `adshift run`, whose consumer group
// commits everything once it stops.
func TestReplayParquetRestoresTheClickstream(t *testing.T) {
	a := testApp(t)
	first, err := kafka.StartEmbedded(t.Context(), "127.0.0.1:0", topicSpecs(a.cfg.Topics), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	a.cfg.Kafka.Brokers, a.cfg.Kafka.CreateTopics = first.Addrs(), false

	stop := startRun(t, a, []string{archive.Name})
	var out bytes.Buffer
	if err := a.replay(t.Context(), "rees46", realRows(t, 2000), mustSpeed(t, "max"), &out, io.Discard); err != nil {
		t.Fatalf("replay: %v", err)
	}
	p, err := a.producer(t.Context(), first.Addrs(), "archive-test")
	if err != nil {
		t.Fatal(err)
	}
	bad := pipeline.Record{Topic: a.cfg.Topics.Clickstream.Name, Key: []byte("bad-1"), Value: []byte(`{"type":"track","event"`),
		Headers: []schemas.Header{{Key: "tracker", Value: []byte("rudderstack")}}, Timestamp: time.Now()}
	if err := p.Emit(t.Context(), []pipeline.Record{bad}); err != nil {
		t.Fatal(err)
	}
	_ = p.Close(t.Context())
	waitArchived(t, a, first.Addrs())
	stop()
	checkArchive(t, a, first.Addrs(), schemas.ArchiveClickstream, a.cfg.Topics.Clickstream.Name)

	second, err := kafka.StartEmbedded(t.Context(), "127.0.0.1:0", topicSpecs(a.cfg.Topics), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	b := testApp(t)
	b.cfg.Kafka.Brokers, b.cfg.Kafka.CreateTopics = second.Addrs(), false
	out.Reset()
	if err := b.replayParquet(t.Context(), a.cfg.Archive.Files.Dir, mustSpeed(t, "max"), &out, io.Discard); err != nil {
		t.Fatalf("replay --parquet: %v", err)
	}
	if !strings.Contains(out.String(), "replayed 2001 events") {
		t.Fatalf("replay --parquet summary: %s", out.String())
	}

	key := func(r *kgo.Record) string {
		return fmt.Sprintf("%d/%d %s %s %d %v", r.Partition, r.Offset, r.Key, r.Value, franz.EventTime(r).UnixMilli(), r.Headers)
	}
	original, replayed := readAll(t, first.Addrs(), "clickstream"), readAll(t, second.Addrs(), "clickstream")
	sortRecords := func(rs []*kgo.Record) []string {
		var out []string
		for _, r := range rs {
			out = append(out, key(r))
		}
		slices.Sort(out)
		return out
	}
	if o, r := sortRecords(original), sortRecords(replayed); !slices.Equal(o, r) {
		t.Fatalf("the replayed clickstream differs from the original: %d and %d records", len(o), len(r))
	}
}
