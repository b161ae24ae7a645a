package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

func counterValue(t testing.TB, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatalf("read counter: %v", err)
	}
	return m.GetCounter().GetValue()
}

// gathered returns the value of counter name labelled with group, as a scrape would see it.
func gathered(t *testing.T, reg *prometheus.Registry, name, group string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "group" && l.GetValue() == group {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{group=%q} in the registry", name, group)
	return 0
}

func wantOffsets(from, to int) []int64 {
	var out []int64
	for i := from; i < to; i++ {
		out = append(out, int64(i))
	}
	return out
}

func TestGroupProcessesEveryRecordOnceInOrderAndCommits(t *testing.T) {
	const topic, partitions, perPartition = "clicks", 4, 200
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: partitions})
	produce(t, addrs, topic, partitions, 0, perPartition)

	stage := newFakeStage(topic)
	reg := prometheus.NewRegistry()
	cfg := testConfig(addrs, "adshift-fake")
	cfg.MaxPollRecords = 50 // many batches per partition
	g, err := NewGroup(cfg, stage, nil, reg)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	runUntilProcessed(t, g, stage, partitions*perPartition)

	for p := range int32(partitions) {
		tp := topicPartition{topic, p}
		if got := stage.offsets(tp); !slices.Equal(got, wantOffsets(0, perPartition)) {
			t.Errorf("partition %d processed offsets %v, want 0..%d once each in order", p, got, perPartition-1)
		}
		for i, r := range stage.processed[tp] {
			want := pipeline.Record{
				Topic: topic, Partition: p, Offset: int64(i),
				Key:     fmt.Appendf(nil, "k%d", i),
				Value:   fmt.Appendf(nil, "%s/%d/%d", topic, p, i),
				Headers: []schemas.Header{{Key: "seq", Value: fmt.Appendf(nil, "%d", i)}},
			}
			if string(r.Key) != string(want.Key) || string(r.Value) != string(want.Value) ||
				string(r.Header("seq")) != string(want.Headers[0].Value) || !r.Timestamp.Equal(recordTime(i)) {
				t.Fatalf("partition %d record %d = %+v, want %+v at %v", p, i, r, want, recordTime(i))
			}
		}
		if stage.opens[tp] != 1 || stage.closes[tp] != 1 {
			t.Errorf("partition %d: %d opens, %d closes; want one each", p, stage.opens[tp], stage.closes[tp])
		}
	}
	got := committed(t, addrs, cfg.Group)
	for p := range int32(partitions) {
		if at := got[topicPartition{topic, p}]; at != perPartition {
			t.Errorf("partition %d committed offset %d, want %d", p, at, perPartition)
		}
	}
	if n := counterValue(t, g.metrics.records); n != partitions*perPartition {
		t.Errorf("records processed metric = %v, want %d", n, partitions*perPartition)
	}
	if n := counterValue(t, g.metrics.errors); n != 0 {
		t.Errorf("process errors metric = %v, want 0", n)
	}
	if v := gathered(t, reg, "adshift_group_records_processed_total", cfg.Group); v != partitions*perPartition {
		t.Errorf("registry reports %v records processed for group %s, want %d", v, cfg.Group, partitions*perPartition)
	}
}

func TestGroupRetriesFailingBatchAndCommitsOnlyAfterSuccess(t *testing.T) {
	const topic, records, failures = "shifts", 20, 3
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: 1})
	produce(t, addrs, topic, 1, 0, records)

	cfg := testConfig(addrs, "adshift-retry")
	// Retries slower than the autocommit interval: a batch marked too early would be committed
	// before the last failure.
	cfg.RetryBackoff, cfg.MaxRetryBackoff = 200*time.Millisecond, 200*time.Millisecond
	stage := newFakeStage(topic)
	var committedWhileFailing []map[topicPartition]int64
	stage.fail = func(tp topicPartition, attempt int, batch []pipeline.Record) error {
		if batch[0].Offset != 0 || attempt > failures {
			return nil
		}
		// The marks of a failed batch must never reach the broker, however often it autocommits.
		committedWhileFailing = append(committedWhileFailing, committed(t, addrs, cfg.Group))
		return errors.New("sink unavailable")
	}
	g, err := NewGroup(cfg, stage, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	runUntilProcessed(t, g, stage, records)

	tp := topicPartition{topic, 0}
	attempts := stage.attempts[tp]
	if len(attempts) < failures+1 {
		t.Fatalf("%d attempts, want at least %d", len(attempts), failures+1)
	}
	for i := 1; i <= failures; i++ {
		if !slices.Equal(attempts[i], attempts[0]) {
			t.Errorf("attempt %d got offsets %v, want the failed batch %v again", i+1, attempts[i], attempts[0])
		}
	}
	for i, c := range committedWhileFailing {
		if len(c) != 0 {
			t.Errorf("failed attempt %d: offsets %v were committed before the batch succeeded", i+1, c)
		}
	}
	if got := stage.offsets(tp); !slices.Equal(got, wantOffsets(0, records)) {
		t.Errorf("processed offsets %v, want 0..%d once each", got, records-1)
	}
	if at := committed(t, addrs, cfg.Group)[tp]; at != records {
		t.Errorf("committed offset %d, want %d", at, records)
	}
	if n := counterValue(t, g.metrics.errors); n != failures {
		t.Errorf("process errors metric = %v, want %d", n, failures)
	}
}

func TestGroupResumesFromCommittedOffsets(t *testing.T) {
	const topic, partitions, half = "clickstream", 2, 50
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: partitions})
	cfg := testConfig(addrs, "adshift-resume")

	produce(t, addrs, topic, partitions, 0, half)
	first := newFakeStage(topic)
	g, err := NewGroup(cfg, first, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	stop := runGroup(t, g, first)
	first.waitFor(t, "first half", func() bool { return first.count() == partitions*half })
	if err := stop(); err != nil {
		t.Fatalf("first Run: %v", err)
	}

	produce(t, addrs, topic, partitions, half, half)
	second := newFakeStage(topic)
	g, err = NewGroup(cfg, second, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	stop = runGroup(t, g, second)
	second.waitFor(t, "second half", func() bool { return second.count() == partitions*half })
	if err := stop(); err != nil {
		t.Fatalf("second Run: %v", err)
	}

	for p := range int32(partitions) {
		tp := topicPartition{topic, p}
		if got := first.offsets(tp); !slices.Equal(got, wantOffsets(0, half)) {
			t.Errorf("first run, partition %d: offsets %v, want 0..%d", p, got, half-1)
		}
		if got := second.offsets(tp); !slices.Equal(got, wantOffsets(half, 2*half)) {
			t.Errorf("restarted run, partition %d: offsets %v, want %d..%d: nothing lost, nothing twice", p, got, half, 2*half-1)
		}
	}
}

func TestGroupInstancesSharePartitions(t *testing.T) {
	const topic, partitions, perPartition = "events", 6, 30
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: partitions})
	cfg := testConfig(addrs, "adshift-shared")
	// One stage stands for the whole group: a partition must never have two live processors.
	stage := newFakeStage(topic)

	produce(t, addrs, topic, partitions, 0, perPartition)
	var logA, logB logBuffer
	a, err := NewGroup(cfg, stage, logA.logger(), nil)
	if err != nil {
		t.Fatalf("NewGroup a: %v", err)
	}
	stopA := runGroup(t, a, stage)
	stage.waitFor(t, "instance a to process the first records", func() bool {
		return stage.count() == partitions*perPartition
	})

	b, err := NewGroup(cfg, stage, logB.logger(), nil)
	if err != nil {
		t.Fatalf("NewGroup b: %v", err)
	}
	stopB := runGroup(t, b, stage)
	stage.waitFor(t, "the rebalance to move partitions to instance b", func() bool {
		moved := 0
		for p := range int32(partitions) {
			tp := topicPartition{topic, p}
			if stage.opens[tp] == 2 && stage.owners[tp] == 1 {
				moved++
			}
		}
		return moved > 0 && moved < partitions && len(stage.owners) == partitions
	})

	produce(t, addrs, topic, partitions, perPartition, perPartition)
	stage.waitFor(t, "every record", func() bool { return stage.count() == 2*partitions*perPartition })
	// Both have logged the move by now: a revokes before b is given the partitions, and b
	// fetches from them only after its assignment callback returned.
	checkRebalanceLogged(t, &logA, &logB, stage, topic, partitions)
	var wg errorsGroup
	wg.Go(stopA)
	wg.Go(stopB)
	if err := wg.Wait(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	stage.checkNoProblems(t)

	for p := range int32(partitions) {
		tp := topicPartition{topic, p}
		if got := stage.offsets(tp); !slices.Equal(got, wantOffsets(0, 2*perPartition)) {
			t.Errorf("partition %d: offsets %v, want each of 0..%d once, in order across owners", p, got, 2*perPartition-1)
		}
		if stage.opens[tp] != stage.closes[tp] || stage.owners[tp] != 0 {
			t.Errorf("partition %d: %d opens, %d closes; every processor must be closed", p, stage.opens[tp], stage.closes[tp])
		}
	}
	for p, at := range committed(t, addrs, cfg.Group) {
		if at != 2*perPartition {
			t.Errorf("%v committed %d, want %d", p, at, 2*perPartition)
		}
	}
}

// checkRebalanceLogged checks that instance a logged revoking exactly the partitions that moved
// to instance b, that b logged being assigned them, and that neither wrote a Go map.
func checkRebalanceLogged(t *testing.T, logA, logB *logBuffer, stage *fakeStage, topic string, partitions int32) {
	t.Helper()
	stage.mu.Lock()
	moved := make(map[topicPartition]bool)
	for p := range partitions {
		if tp := (topicPartition{topic, p}); stage.opens[tp] == 2 {
			moved[tp] = true
		}
	}
	stage.mu.Unlock()
	if got := logA.partitionsLogged(t, "partitions revoked", "revoked"); !maps.Equal(got, moved) {
		t.Errorf("instance a logged revoking %v, want the partitions that moved to b: %v\n%s", got, moved, logA)
	}
	if got := logB.partitionsLogged(t, "partitions assigned", "assigned"); !maps.Equal(got, moved) {
		t.Errorf("instance b logged being assigned %v, want the partitions that moved: %v\n%s", got, moved, logB)
	}
	all := make(map[topicPartition]bool)
	for p := range partitions {
		all[topicPartition{topic, p}] = true
	}
	if got := logA.partitionsLogged(t, "partitions assigned", "assigned"); !maps.Equal(got, all) {
		t.Errorf("instance a logged being assigned %v, want every partition: %v\n%s", got, all, logA)
	}
	for name, l := range map[string]*logBuffer{"a": logA, "b": logB} {
		if strings.Contains(l.String(), "map[") {
			t.Errorf("instance %s logged a Go map:\n%s", name, l)
		}
	}
}

// errorsGroup runs functions concurrently and joins their errors.
type errorsGroup struct {
	errc []chan error
}

func (g *errorsGroup) Go(f func() error) {
	c := make(chan error, 1)
	g.errc = append(g.errc, c)
	go func() { c <- f() }()
}

func (g *errorsGroup) Wait() error {
	var errs []error
	for _, c := range g.errc {
		errs = append(errs, <-c)
	}
	return errors.Join(errs...)
}

func TestNewGroupRejectsIncompleteConfig(t *testing.T) {
	f := func(cfg GroupConfig, stage pipeline.Stage, want string) {
		t.Helper()
		_, err := NewGroup(cfg, stage, nil, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewGroup(%+v) error = %v, want it to mention %q", cfg, err, want)
		}
	}
	f(GroupConfig{Group: "g"}, newFakeStage("t"), "no brokers")
	f(GroupConfig{Brokers: []string{"localhost:9092"}}, newFakeStage("t"), "no group name")
	f(GroupConfig{Brokers: []string{"localhost:9092"}, Group: "g"}, newFakeStage(), "reads no topics")
}

// blockingStage's processors hold their first batch until released, reporting whether the
// context they were given had ended by then.
type blockingStage struct {
	*fakeStage
	entered  chan struct{}
	release  chan struct{}
	ctxEnded chan bool
}

func (s *blockingStage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	p, err := s.fakeStage.Open(ctx, topic, partition)
	return &blockingProcessor{Processor: p, s: s}, err
}

type blockingProcessor struct {
	pipeline.Processor
	s    *blockingStage
	once sync.Once
}

func (p *blockingProcessor) Process(ctx context.Context, batch []pipeline.Record) error {
	p.once.Do(func() {
		close(p.s.entered)
		<-p.s.release
		p.s.ctxEnded <- ctx.Err() != nil
	})
	return p.Processor.Process(ctx, batch)
}

func TestGroupShutdownFinishesBatchInHandAndCommitsIt(t *testing.T) {
	const topic, records = "clickstream", 10
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: 1})
	produce(t, addrs, topic, 1, 0, records)

	stage := &blockingStage{
		fakeStage: newFakeStage(topic),
		entered:   make(chan struct{}),
		release:   make(chan struct{}),
		ctxEnded:  make(chan bool, 1),
	}
	cfg := testConfig(addrs, "adshift-shutdown")
	g, err := NewGroup(cfg, stage, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	stop := runGroup(t, g, stage.fakeStage)
	<-stage.entered
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	close(stage.release)
	if <-stage.ctxEnded {
		t.Error("the batch in hand saw its context end at shutdown; it must be allowed to finish")
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
	stage.checkNoProblems(t)

	tp := topicPartition{topic, 0}
	n := len(stage.processed[tp])
	if n == 0 {
		t.Fatal("the batch in hand was not processed")
	}
	if at := committed(t, addrs, cfg.Group)[tp]; at != int64(n) {
		t.Errorf("committed offset %d after processing %d records, want %d", at, n, n)
	}
	if stage.closes[tp] != 1 {
		t.Errorf("processor closed %d times, want once", stage.closes[tp])
	}
}
