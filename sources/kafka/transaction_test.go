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
	waitAllCommitted(t, addrs, cfg.Group, 2, records)
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

// copyGroup returns an exactly-once group copying "in" to "out" under transactional id id.
func copyGroup(t *testing.T, addrs []string, id string) *Group {
	t.Helper()
	pc := sinkkafka.ProducerConfig{Brokers: addrs}
	producing, err := pc.ProducingOpts()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := NewTransaction(TransactionConfig{ID: id, Producing: producing,
		Emitter: func(cl *kgo.Client) pipeline.Emitter { return sinkkafka.NewProducerOn(cl, pc) }})
	if err != nil {
		t.Fatal(err)
	}
	stage := &copyStage{out: tx}
	stage.failed.Store(true) // no failure
	cfg := testConfig(addrs, "adshift-copy")
	cfg.Transaction = tx
	g, err := NewGroup(cfg, stage, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// waitAllCommitted waits until group has committed want records on each of partitions.
func waitAllCommitted(t *testing.T, addrs []string, group string, partitions int32, want int64) {
	t.Helper()
	adm := kadm.NewClient(newClient(t, addrs))
	deadline := time.Now().Add(waitTimeout)
	for {
		c := map[topicPartition]int64{}
		// The group exists only once it has joined: until then, nothing is committed.
		if resps, err := adm.FetchOffsets(t.Context(), group); err == nil {
			resps.Each(func(r kadm.OffsetResponse) { c[topicPartition{r.Topic, r.Partition}] = r.At })
		}
		done := true
		for p := range partitions {
			done = done && c[topicPartition{"in", p}] == want
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("committed %v, want %d on each of %d partitions", c, want, partitions)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Partitions move between two exactly-once instances while records flow: read committed, every
// input is copied exactly once.
func TestTransactionalGroupsShareAndMovePartitionsExactlyOnce(t *testing.T) {
	const partitions, step = 4, 30
	addrs := startBroker(t, TopicSpec{Name: "in", Partitions: partitions}, TopicSpec{Name: "out", Partitions: partitions})
	run := func(g *Group) (stop func()) {
		ctx, cancel := context.WithCancel(t.Context())
		errc := make(chan error, 1)
		go func() { errc <- g.Run(ctx) }()
		return func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("Run: %v", err)
			}
		}
	}
	produce(t, addrs, "in", partitions, 0, step)
	stopA := run(copyGroup(t, addrs, "copy-a"))
	waitAllCommitted(t, addrs, "adshift-copy", partitions, step)
	stopB := run(copyGroup(t, addrs, "copy-b"))
	produce(t, addrs, "in", partitions, step, step)
	waitAllCommitted(t, addrs, "adshift-copy", partitions, 2*step)
	stopA() // its partitions move to B
	produce(t, addrs, "in", partitions, 2*step, step)
	waitAllCommitted(t, addrs, "adshift-copy", partitions, 3*step)
	stopB()

	var want []string
	for p := range partitions {
		for i := range 3 * step {
			want = append(want, fmt.Sprintf("in/%d/%d", p, i))
		}
	}
	slices.Sort(want)
	if got := readValues(t, addrs, "out", true); !slices.Equal(got, want) {
		t.Errorf("read committed: %d copies, want each of the %d inputs once", len(got), len(want))
	}
}

// failingStage's processors fail every batch; it counts the attempts.
type failingStage struct{ attempts atomic.Int32 }

func (s *failingStage) Name() string     { return "failing" }
func (s *failingStage) Topics() []string { return []string{"in"} }
func (s *failingStage) Open(context.Context, string, int32) (pipeline.Processor, error) {
	return s, nil
}
func (s *failingStage) Process(context.Context, []pipeline.Record) error {
	s.attempts.Add(1)
	return errors.New("sink unavailable")
}
func (s *failingStage) Close(context.Context) error { return nil }

// A batch that fails every time is retried after the retry backoff, as the at-least-once workers
// retry it: with a backoff of half an hour or more, the group aborts once and waits, rather than
// aborting, rebuilding and failing again as fast as the broker answers; and it still stops at
// once when asked to.
func TestTransactionalGroupBacksOffAfterAnAbort(t *testing.T) {
	addrs := startBroker(t, TopicSpec{Name: "in", Partitions: 1}, TopicSpec{Name: "out", Partitions: 1})
	produce(t, addrs, "in", 1, 0, 5)
	pc := sinkkafka.ProducerConfig{Brokers: addrs}
	producing, err := pc.ProducingOpts()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := NewTransaction(TransactionConfig{ID: "failing-1", Producing: producing,
		Emitter: func(cl *kgo.Client) pipeline.Emitter { return sinkkafka.NewProducerOn(cl, pc) }})
	if err != nil {
		t.Fatal(err)
	}
	stage := &failingStage{}
	cfg := testConfig(addrs, "adshift-failing")
	cfg.Transaction = tx
	cfg.RetryBackoff, cfg.MaxRetryBackoff = time.Hour, time.Hour
	g, err := NewGroup(cfg, stage, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- g.Run(ctx) }()
	aborted := g.metrics.transactions.WithLabelValues("aborted")
	deadline := time.Now().Add(waitTimeout)
	for counterValue(t, aborted) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the failing batch's transaction was never aborted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Long enough for a loop without backoff to abort dozens of times.
	time.Sleep(2 * time.Second)
	if n, a := stage.attempts.Load(), counterValue(t, aborted); n != 1 || a != 1 {
		t.Errorf("%d attempts and %v aborted transactions during the backoff, want 1 and 1", n, a)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
