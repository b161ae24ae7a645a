package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/features"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
	"github.com/adshift/adshift/sources/kafka"
)

// holdTransactionEnv, set to a directory, makes the features stage under kafka.exactly_once
// hold the first transaction it is about to end while the file "hold" is in that directory open
// for good, its records produced and not committed, once it has written the file "held" there:
// how the tests crash the stage in the middle of a transaction. It is not a configuration key,
// and nothing but a test sets it.
const holdTransactionEnv = "BE_ADSHIFT_HOLD_TRANSACTION"

// transaction returns the output of the features stage under kafka.exactly_once (nil when it is
// off, or the features stage is not among stages): the Emitter that writes into its group's
// transactions.
func (a *app) transaction(stages, brokers []string) (*kafka.Transaction, error) {
	if !a.cfg.Kafka.ExactlyOnce {
		return nil, nil
	}
	if !slices.Contains(stages, features.Name) {
		a.log.Info("kafka.exactly_once applies to the features stage only, which this instance does not run: every stage here is at least once", "stages", stages)
		return nil, nil
	}
	pc := a.producerConfig(brokers, a.cfg.Kafka.ClientID+"-"+features.Name)
	producing, err := pc.ProducingOpts()
	if err != nil {
		return nil, err
	}
	hold, err := holdTransaction(os.Getenv(holdTransactionEnv))
	if err != nil {
		return nil, err
	}
	tx, err := kafka.NewTransaction(kafka.TransactionConfig{
		ID:        a.cfg.Kafka.TransactionalID(features.Name),
		Producing: producing,
		Emitter:   func(cl *kgo.Client) pipeline.Emitter { return sinkkafka.NewProducerOn(cl, pc) },
		BeforeEnd: hold,
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("exactly once: the features stage commits in transactions; the other stages stay at least once",
		"transactional_id", tx.ID())
	return tx, nil
}

// holdTransaction is the hook holdTransactionEnv's value asks for ("": none).
func holdTransaction(dir string) (func(context.Context), error) {
	if dir == "" {
		return nil, nil
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s=%q: not a directory", holdTransactionEnv, dir)
	}
	return func(ctx context.Context) {
		if _, err := os.Stat(filepath.Join(dir, "hold")); err != nil {
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "held"), nil, 0o644); err != nil {
			return
		}
		<-ctx.Done()
	}, nil
}
