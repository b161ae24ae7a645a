package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
)

// copyStage copies every record it reads to the topic out through its Emitter; its first batch
// of partition 0 fails once after its copies were produced.
type copyStage struct {
	out    pipeline.Emitter
	opens  atomic.Int32
	failed atomic.Bool
}

func (s *copyStage) Name() string     { return "copy" }
func (s *copyStage) Topics() []string { return []string{"in"} }
func (s *copyStage) Open(context.Context, string, int32) (pipeline.Processor, error) {
	s.opens.Add(1)
	return &copyProcessor{s: s}, nil
}

type copyProcessor struct{ s *copyStage }

func (p *copyProcessor) Process(ctx context.Context, batch []pipeline.Record) error {
	out := make([]pipeline.Record, len(batch))
	for i, r := range batch {
		out[i] = pipeline.Record{Topic: "out", Key: r.Key, Value: r.Value}
	}
	if err := p.s.out.Emit(ctx, out); err != nil {
		return err
	}
	if batch[0].Partition == 0 && !p.s.failed.Swap(true) {
		return errors.New("sink unavailable")
	}
	return nil
}

func (p *copyProcessor) Close(context.Context) error { return nil }

// readValues reads topic to its end with the isolation level given and returns the values, sorted.
func readValues(t *testing.T, addrs []string, topic string, committed bool) []string {
	t.Helper()
	adm := kadm.NewClient(newClient(t, addrs))
	list, isolation := adm.ListEndOffsets, kgo.ReadUncommitted()
	if committed {
		list, isolation = adm.ListCommittedOffsets, kgo.ReadCommitted()
	}
	ends, err := list(t.Context(), topic)
	if err != nil || ends.Error() != nil {
		t.Fatalf("end offsets of %s: %v %v", topic, err, ends.Error())
	}
	left := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			left[o.Partition] = o.Offset
		}
	})
	cl := newClient(t, addrs, kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(isolation), kgo.KeepControlRecords(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(t.Context(), waitTimeout)
	defer cancel()
	var out []string
	for len(left) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %s: partitions %v not read to the end", topic, left)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if end, ok := left[r.Partition]; ok && r.Offset+1 >= end {
				delete(left, r.Partition)
			}
			if !r.Attrs.IsControl() {
				out = append(out, string(r.Value))
			}
		})
	}
	slices.Sort(out)
	return out
}

// An exactly-once group whose batch fails after producing aborts the transaction, rebuilds its
// processors and does the poll again: read committed, every input is copied once; read
// uncommitted, the aborted copies are there too; the offsets commit with the copies.
func TestTransactionalGroupAbortsAFailedBatchAndRedoesIt(t *testing.T) {
	const records = 20
	addrs := startBroker(t, TopicSpec{Name: "in", Partitions: 2}, TopicSpec{Name: "out", Partitions: 2})
	produce(t, addrs, "in", 2, 0, records)

	pc := sinkkafka.ProducerConfig{Brokers: addrs}
	producing, err := pc.ProducingOpts()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := NewTransaction(TransactionConfig{ID: "copy-1", Producing: producing,
		Emitter: func(cl *kgo.Client) pipeline.Emitter { return sinkkafka.NewProducerOn(cl, pc) }})
	if err != nil {
		t.Fatal(err)
	}
	stage := &copyStage{out: tx}
	if err := tx.Emit(t.Context(), nil); !errors.Is(err, ErrNoTransaction) {
		t.Errorf("Emit before the group runs: %v, want ErrNoTransaction", err)
	}
	cfg := testConfig(addrs, "adshift-copy")
	cfg.Transaction = tx
	g, err := NewGroup(cfg, stage, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- g.Run(ctx) }()
	deadline := time.Now().Add(waitTimeout)
	for c := committed(t, addrs, cfg.Group); c[topicPartition{"in", 0}] != records || c[topicPartition{"in", 1}] != records; c = committed(t, addrs, cfg.Group) {
		if time.Now().After(deadline) {
			t.Fatalf("committed %v, want %d on both partitions", c, records)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}

	var want []string
	for p := range 2 {
		for i := range records {
			want = append(want, fmt.Sprintf("in/%d/%d", p, i))
		}
	}
	slices.Sort(want)
	if got := readValues(t, addrs, "out", true); !slices.Equal(got, want) {
		t.Errorf("read committed: %d copies, want each of the %d inputs once: %v", len(got), len(want), got)
	}
	if all := readValues(t, addrs, "out", false); len(all) <= len(want) {
		t.Errorf("read uncommitted: %d copies, want the aborted ones besides the %d committed", len(all), len(want))
	}
	if n := stage.opens.Load(); n < 4 {
		t.Errorf("%d processors opened, want both partitions' rebuilt after the abort (4)", n)
	}
	if n := counterValue(t, g.metrics.transactions.WithLabelValues("aborted")); n < 1 {
		t.Errorf("aborted transactions metric = %v, want at least 1", n)
	}
}
