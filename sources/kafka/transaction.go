package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
)

// TransactionConfig makes a Group exactly once: each poll's records are processed, and what
// they caused produced, inside one Kafka transaction that also commits their offsets.
type TransactionConfig struct {
	// ID is the transactional id. It must be stable across restarts of an instance, so a
	// restarted instance fences its predecessor and aborts the transaction it left open, and
	// unique among instances, or they fence each other.
	ID string
	// Producing are the client options of how the stage produces (sinks/kafka
	// ProducerConfig.ProducingOpts); the group's client produces with them.
	Producing []kgo.Opt
	// Emitter wraps the group's transactional client as the stage's output (sinks/kafka
	// NewProducerOn).
	Emitter func(*kgo.Client) pipeline.Emitter
	// BeforeEnd, when set, is called once every record of a poll is processed and its output
	// acknowledged, before the transaction ends: the seam a test uses to crash a stage with a
	// transaction open.
	BeforeEnd func(ctx context.Context)
}

// Transaction is the output of a stage whose Group runs it exactly once: an Emitter that
// produces into the group's transaction in progress. Build the stage with it, and give the same
// Transaction to the group (GroupConfig.Transaction). It is safe for concurrent use.
type Transaction struct {
	cfg TransactionConfig
	out atomic.Pointer[emitter]
}

type emitter struct{ pipeline.Emitter }

var _ pipeline.Emitter = (*Transaction)(nil)

// ErrNoTransaction is returned by a Transaction's Emit before its group runs.
var ErrNoTransaction = errors.New("exactly once: no transaction: the consumer group is not running")

// NewTransaction returns the output of an exactly-once stage.
func NewTransaction(cfg TransactionConfig) (*Transaction, error) {
	if cfg.ID == "" {
		return nil, errors.New("exactly once: no transactional id")
	}
	if cfg.Emitter == nil {
		return nil, errors.New("exactly once: no emitter")
	}
	return &Transaction{cfg: cfg}, nil
}

// ID is the transactional id.
func (t *Transaction) ID() string { return t.cfg.ID }

// Emit produces recs into the transaction in progress and returns once they are acknowledged;
// they are read (by read-committed consumers) only once the transaction commits.
func (t *Transaction) Emit(ctx context.Context, recs []pipeline.Record) error {
	e := t.out.Load()
	if e == nil {
		return ErrNoTransaction
	}
	return e.Emit(ctx, recs)
}

// bind makes Emit produce through the group's transactional client.
func (t *Transaction) bind(cl *kgo.Client) { t.out.Store(&emitter{t.cfg.Emitter(cl)}) }

// pollAck waits for every batch of one poll to be processed, keeping the first failure.
type pollAck struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (p *pollAck) add() { p.wg.Add(1) }

// done reports one batch processed (err nil) or not.
func (p *pollAck) done(err error) {
	if err != nil {
		p.mu.Lock()
		if p.err == nil {
			p.err = err
		}
		p.mu.Unlock()
	}
	p.wg.Done()
}

// wait returns once every batch is reported, with the first failure.
func (p *pollAck) wait() error {
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// errWorkerStopped is a batch's failure when its partition's worker stopped before processing it.
var errWorkerStopped = errors.New("partition worker stopped before the batch was processed")

// transact processes one poll's records in a transaction: begin, hand every partition's records
// to its worker, wait until all are processed and their output acknowledged, then end the
// transaction, committing the records' offsets with it, or aborting it if any batch failed or
// the group rebalanced meanwhile. After an abort the client is back at the committed offsets,
// and every processor is rebuilt from the committed changelog, so the state the aborted
// records changed is dropped with them. It reports whether the transaction committed. An error is
// fatal: the transactional id is fenced (another instance has it) or the client gave up.
func (g *Group) transact(ctx context.Context, s *kgo.GroupTransactSession, a *assignment, fetches kgo.Fetches) (bool, error) {
	if err := s.Begin(); err != nil {
		return false, fmt.Errorf("begin transaction: %w", err)
	}
	ack := new(pollAck)
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		if len(p.Records) > 0 {
			ack.add()
			a.dispatchAck(p, ack)
		}
	})
	failed := ack.wait()
	commit := kgo.TryCommit
	if failed != nil {
		commit = kgo.TryAbort
		g.log.Error("batch failed in a transaction: aborting it", "err", failed)
	} else if g.cfg.Transaction.cfg.BeforeEnd != nil {
		g.cfg.Transaction.cfg.BeforeEnd(ctx)
	}
	committed, err := s.End(ctx, commit)
	if err != nil {
		return false, fmt.Errorf("end transaction (transactional id %s): %w", g.cfg.Transaction.ID(), err)
	}
	if committed {
		g.metrics.transactions.WithLabelValues("committed").Inc()
		return true, nil
	}
	g.metrics.transactions.WithLabelValues("aborted").Inc()
	g.log.Warn("transaction aborted: its records will be processed again from the committed state", "records", fetches.NumRecords())
	a.rebuild(ctx, s.Client())
	return false, nil
}
