package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"maps"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/features"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
	"github.com/adshift/adshift/sources/dataset"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// The features stage's profiles survive a crash and partitions moving between instances: the
// changelog a run with failures leaves behind equals, key for key and byte for byte, the profiles
// of the same partitions processed without interruption.

const (
	restorePartitions = 3
	rees46File        = "../../../shared/data/rees46/2019-Oct_head17434.csv"
)

var restoreTopics = []TopicSpec{
	{Name: "clickstream", Partitions: restorePartitions},
	{Name: "clickstream.dlq", Partitions: restorePartitions},
	{Name: "adshift.shifts", Partitions: restorePartitions},
	{Name: "adshift.profiles", Partitions: restorePartitions, Compacted: true},
}

// clickstreamRecords returns real events as Segment JSON, each with the partition kcat's default
// partitioner (CRC32 of the key) puts it in — not the one franz-go's murmur2 would choose — so
// the test shows the changelog follows the input's partition, whatever wrote it.
func clickstreamRecords(t testing.TB) []*kgo.Record {
	t.Helper()
	r, err := dataset.Open(dataset.FormatREES46, rees46File)
	if err != nil {
		t.Fatalf("open real data: %v", err)
	}
	defer r.Close()
	var recs []*kgo.Record
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			continue
		}
		value, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		key := []byte(ev.User())
		recs = append(recs, &kgo.Record{
			Topic: "clickstream", Key: key, Value: value, Timestamp: ev.Timestamp,
			Partition: int32(crc32.ChecksumIEEE(key) % restorePartitions),
		})
	}
	return recs
}

// expectedProfiles runs each partition's records, in offset order, through a features partition
// with no Kafka and no interruption, and returns the changelog state it leaves: per partition,
// the latest value of every key.
func expectedProfiles(t *testing.T, recs []*kgo.Record) map[int32]map[string]string {
	t.Helper()
	out := &stateEmitter{state: map[int32]map[string]string{}}
	s, err := features.New(features.DefaultConfig(), pipeline.DefaultTopics(), out, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for p := range int32(restorePartitions) {
		proc, err := s.Open(t.Context(), "clickstream", p)
		if err != nil {
			t.Fatal(err)
		}
		var batch []pipeline.Record
		for _, r := range recs {
			if r.Partition == p {
				batch = append(batch, pipeline.Record{Topic: "clickstream", Partition: p, Offset: int64(len(batch)), Key: r.Key, Value: r.Value, Timestamp: r.Timestamp})
			}
		}
		if err := proc.Process(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
	}
	return out.state
}

type stateEmitter struct {
	state map[int32]map[string]string
}

func (e *stateEmitter) Emit(_ context.Context, recs []pipeline.Record) error {
	for _, r := range recs {
		if r.Topic == "adshift.profiles" {
			applyChange(e.state, r.Partition, r.Key, r.Value)
		}
	}
	return nil
}

func applyChange(state map[int32]map[string]string, p int32, key, value []byte) {
	if state[p] == nil {
		state[p] = map[string]string{}
	}
	if value == nil {
		delete(state[p], string(key))
	} else {
		state[p][string(key)] = string(value)
	}
}

// changelogState reads the whole profiles topic back, as a restoring worker would.
func changelogState(t *testing.T, addrs []string) map[int32]map[string]string {
	t.Helper()
	cl, err := NewChangelog(ChangelogConfig{Brokers: addrs, Topic: "adshift.profiles"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	state := map[int32]map[string]string{}
	for p := range int32(restorePartitions) {
		err := cl.Restore(t.Context(), p, func(key, value []byte) error {
			applyChange(state, p, key, value)
			return nil
		})
		if err != nil {
			t.Fatalf("read changelog partition %d: %v", p, err)
		}
	}
	return state
}

// cutter dials real connections until it is cut; then it closes them all and refuses new ones,
// as a machine that lost power would look to the broker.
type cutter struct {
	mu    sync.Mutex
	conns []net.Conn
	cut   bool
}

func (c *cutter) dial(ctx context.Context, network, host string) (net.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return nil, errors.New("network cut")
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, network, host)
	if err == nil {
		c.conns = append(c.conns, conn)
	}
	return conn, err
}

func (c *cutter) cutNow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cut = true
	for _, conn := range c.conns {
		_ = conn.Close()
	}
}

// gate passes Emit calls through to the producer until limit calls went through; later calls
// wait until the limit is raised or their context ends, so a worker stalls mid-stream at a
// known point.
type gate struct {
	out     pipeline.Emitter
	mu      sync.Mutex
	limit   int // 0: no limit
	passed  int
	reached chan struct{} // closed once a call waits at the current limit
	closed  bool
	wake    chan struct{} // closed when the limit is raised
}

func newGate(out pipeline.Emitter, limit int) *gate {
	return &gate{out: out, limit: limit, reached: make(chan struct{}), wake: make(chan struct{})}
}

func (g *gate) Emit(ctx context.Context, recs []pipeline.Record) error {
	for {
		g.mu.Lock()
		if g.limit == 0 || g.passed < g.limit {
			g.passed++
			g.mu.Unlock()
			return g.out.Emit(ctx, recs)
		}
		if !g.closed {
			close(g.reached)
			g.closed = true
		}
		wake := g.wake
		g.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		}
	}
}

// waitReached waits until a call waits at the current limit.
func (g *gate) waitReached(t *testing.T) {
	t.Helper()
	g.mu.Lock()
	reached := g.reached
	g.mu.Unlock()
	select {
	case <-reached:
	case <-time.After(waitTimeout):
		t.Fatalf("no worker got %d Emit calls through", g.limit)
	}
}

func (g *gate) raise(limit int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit = limit
	g.reached, g.closed = make(chan struct{}), false
	close(g.wake)
	g.wake = make(chan struct{})
}

// instance is one "adshift run --stages=features" process: its producer, changelog reader,
// stage and consumer group, all dialling through one cutter.
type instance struct {
	net   *cutter
	prod  *sinkkafka.Producer
	gate  *gate
	group *Group
	stop  context.CancelFunc
	done  chan error
}

func startInstance(t *testing.T, addrs []string, name string, emitLimit int, reg prometheus.Registerer) *instance {
	t.Helper()
	in := &instance{net: &cutter{}, done: make(chan error, 1)}
	prod, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{
		Brokers: addrs, ClientID: name, ExplicitPartitions: []string{"adshift.profiles"}, Conn: franz.Connection{Dialer: in.net.dial},
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	in.prod = prod
	in.gate = newGate(prod, emitLimit)
	cl, err := NewChangelog(ChangelogConfig{Brokers: addrs, Topic: "adshift.profiles", Conn: franz.Connection{Dialer: in.net.dial}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := features.New(features.DefaultConfig(), pipeline.DefaultTopics(), in.gate, nil, reg, features.WithChangelog(cl), features.WithInFlight(features.DefaultInFlight))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(addrs, "adshift-features")
	cfg.ClientID = name
	cfg.MaxPollRecords = 300
	cfg.AutoCommitInterval = 300 * time.Millisecond
	cfg.ShutdownTimeout = 2 * time.Second
	cfg.Conn.Dialer = in.net.dial
	in.group, err = NewGroup(cfg, st, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	in.stop = cancel
	go func() { in.done <- in.group.Run(ctx) }()
	t.Cleanup(func() { in.shutdown() })
	return in
}

// shutdown stops the instance (gracefully, unless its network was cut) and closes its producer.
func (in *instance) shutdown() error {
	if in.stop == nil {
		return nil
	}
	in.stop()
	in.stop = nil
	err := <-in.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(err, in.prod.Close(ctx))
}

// waitCaughtUp waits until the group committed every clickstream record.
func waitCaughtUp(t *testing.T, addrs []string) {
	t.Helper()
	adm := kadm.NewClient(newClient(t, addrs))
	ends, err := adm.ListEndOffsets(t.Context(), "clickstream")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		got := groupOffsets(t, addrs)
		done := true
		ends.Each(func(o kadm.ListedOffset) {
			if got[topicPartition{o.Topic, o.Partition}] != o.Offset {
				done = false
			}
		})
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the group to commit everything: committed %v", got)
		}
		<-tick.C
	}
}

// groupOffsets returns what adshift-features committed, nothing before its first commit (the
// group does not exist until then).
func groupOffsets(t testing.TB, addrs []string) map[topicPartition]int64 {
	t.Helper()
	got := map[topicPartition]int64{}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	resps, err := kadm.NewClient(cl).FetchOffsets(t.Context(), "adshift-features")
	if err != nil {
		return got
	}
	resps.Each(func(r kadm.OffsetResponse) {
		if r.Err == nil {
			got[topicPartition{r.Topic, r.Partition}] = r.At
		}
	})
	return got
}

func produceClickstream(t testing.TB, addrs []string, recs []*kgo.Record) {
	t.Helper()
	cl := newClient(t, addrs, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatalf("produce clickstream: %v", err)
	}
}

func sum(offsets map[topicPartition]int64) int64 {
	var n int64
	for _, o := range offsets {
		n += o
	}
	return n
}

func compareProfiles(t *testing.T, got, want map[int32]map[string]string) {
	t.Helper()
	total := 0
	for p := range int32(restorePartitions) {
		total += len(want[p])
		if !maps.Equal(got[p], want[p]) {
			differ := 0
			for k, v := range want[p] {
				if got[p][k] != v {
					differ++
				}
			}
			t.Errorf("partition %d: %d of %d profiles differ from the uninterrupted run (changelog holds %d keys)",
				p, differ, len(want[p]), len(got[p]))
		}
	}
	if total < 3000 {
		t.Fatalf("only %d profiles: the test data is too small to show anything", total)
	}
}

// A worker is killed mid-stream — its network cut while a batch is in flight, no commit, no
// close, no leaving the group — and a new one takes over its partitions.
func TestFeaturesProfilesSurviveACrash(t *testing.T) {
	recs := clickstreamRecords(t)
	want := expectedProfiles(t, recs)
	addrs := startBroker(t, restoreTopics...)
	produceClickstream(t, addrs, recs)

	// The first worker gets some batches through and committed, then more through but not
	// committed, then dies with a batch in flight.
	dead := startInstance(t, addrs, "features-1", 10, nil)
	dead.gate.waitReached(t)
	deadline := time.Now().Add(waitTimeout)
	for sum(groupOffsets(t, addrs)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first worker committed nothing")
		}
		time.Sleep(20 * time.Millisecond) // polling the broker; no signal to wait on
	}
	dead.gate.raise(20)
	dead.gate.waitReached(t)
	dead.net.cutNow()
	_ = dead.shutdown() // returns once its shutdown deadline passes: nothing reaches the broker

	atCrash := sum(committed(t, addrs, "adshift-features"))
	if atCrash == 0 || atCrash >= int64(len(recs)) {
		t.Fatalf("the crash came at %d of %d records committed, want mid-stream", atCrash, len(recs))
	}
	t.Logf("crashed with %d of %d records committed", atCrash, len(recs))

	next := startInstance(t, addrs, "features-2", 0, nil)
	waitCaughtUp(t, addrs)
	if err := next.shutdown(); err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
	compareProfiles(t, changelogState(t, addrs), want)
}

// Two instances share the group: partitions move to the second when it joins and all go to it
// when the first leaves, each time with records still to come.
func TestFeaturesProfilesSurviveRebalances(t *testing.T) {
	recs := clickstreamRecords(t)
	want := expectedProfiles(t, recs)
	addrs := startBroker(t, restoreTopics...)
	third := len(recs) / 3

	produceClickstream(t, addrs, recs[:third])
	first := startInstance(t, addrs, "features-1", 0, nil)
	waitCaughtUp(t, addrs)

	reg := prometheus.NewPedanticRegistry()
	second := startInstance(t, addrs, "features-2", 0, reg)
	restored := func() float64 {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "adshift_features_profiles_restored_total" {
				return mf.GetMetric()[0].GetCounter().GetValue()
			}
		}
		return 0
	}
	deadline := time.Now().Add(waitTimeout)
	for restored() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the second instance never took over a partition with profiles")
		}
		time.Sleep(20 * time.Millisecond) // polling a metric; no signal to wait on
	}
	produceClickstream(t, addrs, recs[third:2*third])
	waitCaughtUp(t, addrs)

	if err := first.shutdown(); err != nil {
		t.Fatalf("first instance shutdown: %v", err)
	}
	produceClickstream(t, addrs, recs[2*third:])
	waitCaughtUp(t, addrs)
	if err := second.shutdown(); err != nil {
		t.Fatalf("second instance shutdown: %v", err)
	}
	compareProfiles(t, changelogState(t, addrs), want)
}
