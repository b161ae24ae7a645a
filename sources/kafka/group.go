package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// GroupConfig configures a consumer group. Zero durations and counts take the defaults noted.
type GroupConfig struct {
	Brokers []string
	// Group is the consumer group; stages use "adshift-" + stage name.
	Group string
	// ClientID names the client to the brokers and in client metrics (default: Group).
	ClientID string

	// FetchMaxWait bounds how long a broker holds a fetch waiting for data (default 500ms).
	FetchMaxWait time.Duration
	// SessionTimeout is how long the group waits for a silent member before reassigning its
	// partitions (default 45s).
	SessionTimeout time.Duration
	// HeartbeatInterval is how often the member tells the group it is alive, and so how soon it
	// notices a rebalance (default 3s).
	HeartbeatInterval time.Duration
	// InstanceID, when set, makes the member static (KIP-345): a restart within the session
	// timeout keeps its partitions with no rebalance. Unique per member.
	InstanceID string
	// RebalanceTimeout bounds how long a rebalance waits for members to finish the batch in hand
	// and commit (default 60s).
	RebalanceTimeout time.Duration
	// AutoCommitInterval is how often marked offsets are committed in the background (default 5s).
	// They are also committed on revoke and on shutdown.
	AutoCommitInterval time.Duration
	// ShutdownTimeout bounds the whole shutdown: finishing batches in hand, closing processors,
	// the final commit and leaving the group (default 30s).
	ShutdownTimeout time.Duration

	// MaxPollRecords caps the records taken from the client per poll (default 20000).
	MaxPollRecords int
	// FetchMaxPartitionBytes caps what one fetch returns for one partition, and so the size of
	// a partition's batch (default 4 MiB). Larger batches amortise the stage's acknowledged
	// writes per batch over more records.
	FetchMaxPartitionBytes int32
	// MaxBacklog is how many fetched batches may wait for a partition's worker before fetching
	// for that partition pauses (default 4).
	MaxBacklog int
	// RetryBackoff and MaxRetryBackoff bound the jittered exponential wait between attempts to
	// process a failing batch or open a partition (defaults 200ms and 30s).
	RetryBackoff    time.Duration
	MaxRetryBackoff time.Duration

	// LagInterval is how often the group's lag is looked up for the lag gauge (default 15s).
	LagInterval time.Duration

	// Conn is how the client reaches the brokers: TLS, SASL, dial timeout, dialer.
	Conn franz.Connection

	// Transaction, when set, runs the stage exactly once: each poll's records are processed in
	// one Kafka transaction with what they caused (produced through this Transaction, the
	// stage's Emitter) and their offsets, instead of at least once with offsets committed
	// apart. The stage's processors must make a batch durable before Process returns (no
	// pipeline.Holder).
	Transaction *Transaction
}

func (c GroupConfig) withDefaults() GroupConfig {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&c.FetchMaxWait, 500*time.Millisecond)
	set(&c.SessionTimeout, 45*time.Second)
	set(&c.HeartbeatInterval, 3*time.Second)
	set(&c.RebalanceTimeout, 60*time.Second)
	set(&c.AutoCommitInterval, 5*time.Second)
	set(&c.ShutdownTimeout, 30*time.Second)
	set(&c.RetryBackoff, 200*time.Millisecond)
	set(&c.MaxRetryBackoff, 30*time.Second)
	set(&c.LagInterval, 15*time.Second)
	c.MaxRetryBackoff = max(c.MaxRetryBackoff, c.RetryBackoff)
	if c.MaxPollRecords <= 0 {
		c.MaxPollRecords = 20000
	}
	if c.FetchMaxPartitionBytes <= 0 {
		c.FetchMaxPartitionBytes = 4 << 20
	}
	if c.MaxBacklog <= 0 {
		c.MaxBacklog = 4
	}
	if c.ClientID == "" {
		c.ClientID = c.Group
	}
	return c
}

// Group runs one stage as a member of a Kafka consumer group.
type Group struct {
	cfg     GroupConfig
	stage   pipeline.Stage
	topics  []string
	log     *slog.Logger
	reg     prometheus.Registerer
	metrics *groupMetrics
	ran     atomic.Bool
	joined  atomic.Bool
	opening atomic.Int32
	lag     atomic.Int64 // -1 until known
}

// NewGroup returns a group that runs stage. A nil logger discards logs; a nil registerer
// discards metrics. One registerer serves any number of groups, but not two live instances of
// the same group.
func NewGroup(cfg GroupConfig, stage pipeline.Stage, logger *slog.Logger, reg prometheus.Registerer) (*Group, error) {
	cfg = cfg.withDefaults()
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("consumer group: no brokers")
	}
	if cfg.Group == "" {
		return nil, errors.New("consumer group: no group name")
	}
	topics := stage.Topics()
	if len(topics) == 0 {
		return nil, fmt.Errorf("consumer group %s: stage %s reads no topics", cfg.Group, stage.Name())
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newGroupMetrics(reg, cfg.Group)
	if err != nil {
		return nil, fmt.Errorf("consumer group %s: register metrics: %w", cfg.Group, err)
	}
	g := &Group{
		cfg:     cfg,
		stage:   stage,
		topics:  topics,
		log:     logger.With("group", cfg.Group),
		reg:     reg,
		metrics: m,
	}
	g.lag.Store(-1)
	return g, nil
}

// Run consumes until ctx ends, then shuts down: it stops polling, lets every worker finish the
// batch in hand, closes the processors, commits what was processed and leaves the group, all
// within ShutdownTimeout. It returns nil after a clean shutdown. A Group runs once.
func (g *Group) Run(ctx context.Context) error {
	if g.ran.Swap(true) {
		return fmt.Errorf("consumer group %s: already run", g.cfg.Group)
	}
	// Workers outlive ctx by design: they finish their batch while shutting down. workCtx ends
	// only when the shutdown deadline passes.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()

	a := &assignment{g: g, workers: make(map[topicPartition]*worker)}
	cl, sess, err := g.client(workCtx, a)
	if err != nil {
		return fmt.Errorf("consumer group %s: %w", g.cfg.Group, err)
	}
	if sess != nil {
		g.log.Info("consumer group started, exactly once", "topics", g.topics, "transactional_id", g.cfg.Transaction.ID())
	} else {
		g.log.Info("consumer group started", "topics", g.topics)
	}

	lagDone := make(chan struct{})
	go func() {
		defer close(lagDone)
		g.reportLag(ctx, cl)
	}()
	var errs []error
	if sess != nil {
		if err := g.pollTransact(ctx, workCtx, sess, a); err != nil {
			errs = append(errs, err)
		}
	} else {
		g.poll(ctx, cl, a)
	}
	<-lagDone

	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.ShutdownTimeout)
	defer cancel()
	stopOnDeadline := context.AfterFunc(shutCtx, stopWork)
	defer stopOnDeadline()

	a.stopAll()
	// An exactly-once group committed every transaction it ended; nothing else is committable.
	if sess == nil {
		if err := cl.CommitMarkedOffsets(shutCtx); err != nil {
			errs = append(errs, fmt.Errorf("final commit: %w", err))
		}
	}
	if err := cl.LeaveGroupContext(shutCtx); err != nil {
		errs = append(errs, fmt.Errorf("leave group: %w", err))
	}
	cl.Close()
	a.wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("consumer group %s shutdown: %w", g.cfg.Group, err)
	}
	g.log.Info("consumer group stopped")
	return nil
}

// client builds the group's client: a plain one, or for an exactly-once group a transact
// session (returned too) whose client is bound to the stage's Transaction.
func (g *Group) client(workCtx context.Context, a *assignment) (*kgo.Client, *kgo.GroupTransactSession, error) {
	opts := g.clientOpts(workCtx, a)
	t := g.cfg.Transaction
	if t == nil {
		cl, err := kgo.NewClient(opts...)
		return cl, nil, err
	}
	opts = append(opts, kgo.TransactionalID(t.ID()))
	opts = append(opts, t.cfg.Producing...)
	sess, err := kgo.NewGroupTransactSession(opts...)
	if err != nil {
		return nil, nil, err
	}
	t.bind(sess.Client())
	return sess.Client(), sess, nil
}

func (g *Group) clientOpts(workCtx context.Context, a *assignment) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(g.cfg.Brokers...),
		kgo.ClientID(g.cfg.ClientID),
		kgo.ConsumerGroup(g.cfg.Group),
		kgo.ConsumeTopics(g.topics...),
		kgo.FetchMaxWait(g.cfg.FetchMaxWait),
		kgo.FetchMaxPartitionBytes(g.cfg.FetchMaxPartitionBytes),
		kgo.SessionTimeout(g.cfg.SessionTimeout),
		kgo.HeartbeatInterval(g.cfg.HeartbeatInterval),
		kgo.RebalanceTimeout(g.cfg.RebalanceTimeout),
		// Records of transactions not committed (yet, or ever) are never read: without
		// transactions this reads exactly what read-uncommitted would.
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		// Rebalance callbacks never run between a poll and handing its records to the workers,
		// so every polled partition has its worker.
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsAssigned(func(_ context.Context, cl *kgo.Client, assigned map[string][]int32) {
			a.assign(workCtx, cl, assigned)
		}),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
			owned := a.stop(revoked)
			// franz-go calls this at the end of every group session, most often with nothing.
			if partitionCount(revoked) > 0 {
				g.log.Info("partitions revoked", "revoked", partitionList(revoked), "owned", owned)
			}
			// An exactly-once group commits in its transactions only.
			if g.cfg.Transaction == nil {
				if err := cl.CommitMarkedOffsets(ctx); err != nil {
					g.log.Error("commit on revoke", "err", err)
				}
			}
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
			// Another member may own these already: committing could overwrite its progress.
			owned := a.stop(lost)
			g.log.Warn("partitions lost: another member may own them already", "lost", partitionList(lost), "owned", owned)
		}),
		kgo.WithLogger(franz.Logger(g.log)),
	}
	if g.cfg.Transaction == nil {
		opts = append(opts, kgo.AutoCommitMarks(), kgo.AutoCommitInterval(g.cfg.AutoCommitInterval))
	}
	opts = append(opts, g.cfg.Conn.Opts()...)
	if g.cfg.InstanceID != "" {
		opts = append(opts, kgo.InstanceID(g.cfg.InstanceID))
	}
	if g.reg != nil {
		opts = append(opts, kgo.WithHooks(kprom.NewMetrics("adshift_kafka",
			kprom.Registerer(g.reg), kprom.WithClientLabel())))
	}
	return opts
}

// poll hands each partition's fetched records to its worker until ctx ends.
func (g *Group) poll(ctx context.Context, cl *kgo.Client, a *assignment) {
	for {
		fetches := cl.PollRecords(ctx, g.cfg.MaxPollRecords)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			// Whatever this poll returned is unmarked and will be fetched again.
			cl.AllowRebalance()
			return
		}
		fetches.EachError(func(topic string, partition int32, err error) {
			g.log.Error("fetch", "topic", topic, "partition", partition, "err", err)
		})
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) > 0 {
				a.dispatch(p)
			}
		})
		cl.AllowRebalance()
	}
}

// pollTransact runs a transaction over each poll's records until ctx ends or a transaction
// cannot end. The records of a poll are processed before the next poll, so a rebalance, which
// waits for AllowRebalance, never falls inside a transaction. After an abort it waits the retry
// backoff, growing with each abort in a row, before polling again: a batch that fails every time
// is retried as the at-least-once workers retry it, not in a loop as fast as the broker answers.
func (g *Group) pollTransact(ctx, workCtx context.Context, s *kgo.GroupTransactSession, a *assignment) error {
	aborts := 0
	for {
		fetches := s.PollRecords(ctx, g.cfg.MaxPollRecords)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			s.AllowRebalance()
			return nil
		}
		fetches.EachError(func(topic string, partition int32, err error) {
			g.log.Error("fetch", "topic", topic, "partition", partition, "err", err)
		})
		if fetches.NumRecords() == 0 {
			s.AllowRebalance()
			continue
		}
		committed, err := g.transact(workCtx, s, a, fetches)
		s.AllowRebalance()
		if err != nil {
			return err
		}
		if committed {
			aborts = 0
			continue
		}
		aborts++
		t := time.NewTimer(g.backoff(aborts))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil
		}
	}
}

type topicPartition struct {
	topic     string
	partition int32
}

// assignment tracks the workers of the partitions this member owns. It owns their goroutines.
type assignment struct {
	g  *Group
	wg sync.WaitGroup

	mu      sync.Mutex
	workers map[topicPartition]*worker
	closing bool
}

func (a *assignment) assign(workCtx context.Context, cl *kgo.Client, assigned map[string][]int32) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closing {
		return
	}
	a.g.joined.Store(true)
	for topic, partitions := range assigned {
		for _, p := range partitions {
			w := newWorker(a.g, cl, topic, p)
			a.workers[topicPartition{topic, p}] = w
			a.wg.Go(func() { w.run(workCtx) })
		}
	}
	owned := len(a.workers)
	a.g.metrics.assigned.Set(float64(owned))
	switch {
	case partitionCount(assigned) > 0:
		a.g.log.Info("partitions assigned", "assigned", partitionList(assigned), "owned", owned)
	case owned == 0:
		a.g.log.Info("no partitions assigned: this instance idles until a rebalance gives it some", "owned", owned)
	default:
		a.g.log.Debug("rebalance assigned no new partitions", "owned", owned)
	}
}

func (a *assignment) dispatch(p kgo.FetchTopicPartition) { a.dispatchAck(p, nil) }

// dispatchAck hands p's records to its worker, which reports to ack (nil: no one) once it has
// processed them.
func (a *assignment) dispatchAck(p kgo.FetchTopicPartition, ack *pollAck) {
	a.mu.Lock()
	w := a.workers[topicPartition{p.Topic, p.Partition}]
	a.mu.Unlock()
	if w == nil {
		// BlockRebalanceOnPoll guarantees a polled partition is assigned; dropping its records
		// instead would let later marks skip them.
		panic(fmt.Sprintf("kafka: polled %s/%d, which has no worker", p.Topic, p.Partition))
	}
	w.push(p.Records, ack)
}

// rebuild replaces every worker with a fresh one, whose processor is opened anew (and restored
// from the changelog): after an aborted transaction, the state the aborted records changed
// must go with them.
func (a *assignment) rebuild(workCtx context.Context, cl *kgo.Client) {
	a.mu.Lock()
	if a.closing {
		a.mu.Unlock()
		return
	}
	old := make([]*worker, 0, len(a.workers))
	tps := make([]topicPartition, 0, len(a.workers))
	for tp, w := range a.workers {
		old = append(old, w)
		tps = append(tps, tp)
		delete(a.workers, tp)
	}
	a.mu.Unlock()
	stopAndWait(old)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closing {
		return
	}
	for _, tp := range tps {
		w := newWorker(a.g, cl, tp.topic, tp.partition)
		a.workers[tp] = w
		a.wg.Go(func() { w.run(workCtx) })
	}
	a.g.log.Info("partition processors rebuilt from the committed state", "owned", len(a.workers))
}

// stop stops the workers of the given partitions after their batch in hand and waits for them
// to close their processors. It returns how many partitions the member still owns.
func (a *assignment) stop(partitions map[string][]int32) int {
	var stopping []*worker
	a.mu.Lock()
	for topic, ps := range partitions {
		for _, p := range ps {
			tp := topicPartition{topic, p}
			if w, ok := a.workers[tp]; ok {
				stopping = append(stopping, w)
				delete(a.workers, tp)
			}
		}
	}
	owned := len(a.workers)
	a.g.metrics.assigned.Set(float64(owned))
	a.mu.Unlock()
	stopAndWait(stopping)
	return owned
}

// stopAll stops every worker and keeps new ones from starting.
func (a *assignment) stopAll() {
	a.mu.Lock()
	a.closing = true
	stopping := make([]*worker, 0, len(a.workers))
	for tp, w := range a.workers {
		stopping = append(stopping, w)
		delete(a.workers, tp)
	}
	a.g.metrics.assigned.Set(0)
	a.mu.Unlock()
	stopAndWait(stopping)
}

// stopAndWait signals all workers first so they wind down in parallel.
func stopAndWait(ws []*worker) {
	for _, w := range ws {
		close(w.quit)
	}
	for _, w := range ws {
		<-w.done
	}
}
