package kafka

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
)

// waitTimeout bounds every wait for the pipeline to make progress; reaching it is a failure.
const waitTimeout = 60 * time.Second

func startBroker(t testing.TB, specs ...TopicSpec) []string {
	t.Helper()
	e, err := StartEmbedded(t.Context(), "127.0.0.1:0", specs, nil)
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	t.Cleanup(e.Close)
	return e.Addrs()
}

func newClient(t testing.TB, addrs []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(addrs...)}, opts...)...)
	if err != nil {
		t.Fatalf("kgo.NewClient: %v", err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// produce writes n records to every partition of topic, numbered from first: key k<i>,
// value <topic>/<partition>/<i>, a header naming i, and a timestamp derived from i.
func produce(t *testing.T, addrs []string, topic string, partitions int32, first, n int) {
	t.Helper()
	cl := newClient(t, addrs, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	var recs []*kgo.Record
	for p := range partitions {
		for i := first; i < first+n; i++ {
			recs = append(recs, &kgo.Record{
				Topic:     topic,
				Partition: p,
				Key:       fmt.Appendf(nil, "k%d", i),
				Value:     fmt.Appendf(nil, "%s/%d/%d", topic, p, i),
				Headers:   []kgo.RecordHeader{{Key: "seq", Value: fmt.Appendf(nil, "%d", i)}},
				Timestamp: recordTime(i),
			})
		}
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

func recordTime(i int) time.Time {
	return time.UnixMilli(1_700_000_000_000 + int64(i)*1000)
}

func committed(t testing.TB, addrs []string, group string) map[topicPartition]int64 {
	t.Helper()
	resps, err := kadm.NewClient(newClient(t, addrs)).FetchOffsets(t.Context(), group)
	if err != nil {
		t.Fatalf("fetch committed offsets of %s: %v", group, err)
	}
	out := make(map[topicPartition]int64)
	resps.Each(func(r kadm.OffsetResponse) {
		if r.Err == nil {
			out[topicPartition{r.Topic, r.Partition}] = r.At
		}
	})
	return out
}

// runGroup runs g, which feeds stage, until the returned stop is called; stop returns Run's
// error. A Run that returns before it is stopped fails the test.
func runGroup(t *testing.T, g *Group, stage *fakeStage) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		err := g.Run(ctx)
		if ctx.Err() == nil {
			t.Errorf("Run returned before it was stopped: %v", err)
			stage.signal()
		}
		errc <- err
	}()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// runUntilProcessed runs g until stage has processed records records, stops it, and checks that
// the stage saw nothing wrong.
func runUntilProcessed(t *testing.T, g *Group, stage *fakeStage, records int) {
	t.Helper()
	stop := runGroup(t, g, stage)
	stage.waitFor(t, "every record", func() bool { return stage.count() == records })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	stage.checkNoProblems(t)
}

func testConfig(addrs []string, group string) GroupConfig {
	return GroupConfig{
		Brokers:            addrs,
		Group:              group,
		FetchMaxWait:       100 * time.Millisecond,
		HeartbeatInterval:  100 * time.Millisecond,
		SessionTimeout:     6 * time.Second,
		AutoCommitInterval: 100 * time.Millisecond,
		RetryBackoff:       time.Millisecond,
		MaxRetryBackoff:    20 * time.Millisecond,
	}
}

// fakeStage records what its processors see. It fails an attempt when fail says so.
type fakeStage struct {
	topics []string
	fail   func(tp topicPartition, attempt int, batch []pipeline.Record) error

	changed chan struct{} // signalled after every Open, Process and Close

	mu        sync.Mutex
	processed map[topicPartition][]pipeline.Record // successful batches, in order
	attempts  map[topicPartition][][]int64         // offsets of every attempt
	owners    map[topicPartition]int
	opens     map[topicPartition]int
	closes    map[topicPartition]int
	problems  []string
}

func newFakeStage(topics ...string) *fakeStage {
	return &fakeStage{
		topics:    topics,
		changed:   make(chan struct{}, 1),
		processed: make(map[topicPartition][]pipeline.Record),
		attempts:  make(map[topicPartition][][]int64),
		owners:    make(map[topicPartition]int),
		opens:     make(map[topicPartition]int),
		closes:    make(map[topicPartition]int),
	}
}

func (s *fakeStage) Name() string     { return "fake" }
func (s *fakeStage) Topics() []string { return s.topics }

func (s *fakeStage) Open(_ context.Context, topic string, partition int32) (pipeline.Processor, error) {
	tp := topicPartition{topic, partition}
	s.mu.Lock()
	s.owners[tp]++
	s.opens[tp]++
	if s.owners[tp] > 1 {
		s.problems = append(s.problems, fmt.Sprintf("%v opened while another processor owns it", tp))
	}
	s.mu.Unlock()
	s.signal()
	return &fakeProcessor{s: s, tp: tp}, nil
}

func (s *fakeStage) signal() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// waitFor waits until cond, evaluated under the stage's lock, holds.
func (s *fakeStage) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		s.mu.Unlock()
		if ok {
			return
		}
		if t.Failed() {
			t.FailNow()
		}
		select {
		case <-s.changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// count returns the records processed so far; the caller holds s.mu.
func (s *fakeStage) count() int {
	n := 0
	for _, recs := range s.processed {
		n += len(recs)
	}
	return n
}

func (s *fakeStage) offsets(tp topicPartition) []int64 {
	var out []int64
	for _, r := range s.processed[tp] {
		out = append(out, r.Offset)
	}
	return out
}

func (s *fakeStage) checkNoProblems(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.problems {
		t.Error(p)
	}
}

type fakeProcessor struct {
	s      *fakeStage
	tp     topicPartition
	closed bool
}

func (p *fakeProcessor) Process(_ context.Context, batch []pipeline.Record) error {
	s := p.s
	defer s.signal()
	offsets := make([]int64, len(batch))
	for i, r := range batch {
		offsets[i] = r.Offset
		if r.Topic != p.tp.topic || r.Partition != p.tp.partition {
			s.mu.Lock()
			s.problems = append(s.problems, fmt.Sprintf("processor of %v got %s/%d", p.tp, r.Topic, r.Partition))
			s.mu.Unlock()
		}
	}
	s.mu.Lock()
	if p.closed {
		s.problems = append(s.problems, fmt.Sprintf("processor of %v used after Close", p.tp))
	}
	s.attempts[p.tp] = append(s.attempts[p.tp], offsets)
	attempt := 0
	for _, a := range s.attempts[p.tp] {
		if slices.Equal(a, offsets) {
			attempt++
		}
	}
	s.mu.Unlock()

	if s.fail != nil {
		if err := s.fail(p.tp, attempt, batch); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.processed[p.tp] = append(s.processed[p.tp], batch...)
	s.mu.Unlock()
	return nil
}

func (p *fakeProcessor) Close(context.Context) error {
	s := p.s
	s.mu.Lock()
	p.closed = true
	s.owners[p.tp]--
	s.closes[p.tp]++
	s.mu.Unlock()
	s.signal()
	return nil
}
