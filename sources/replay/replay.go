package replay

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/dataset"
)

// Source yields the records a replay produces, with the timestamp that paces them. Next
// returns io.EOF after the last, and a *dataset.RowError for input it skips.
type Source interface {
	Next() (pipeline.Record, error)
}

// Events is the Source of a dataset: its rows mapped to Segment events keyed by user.
func Events(r dataset.Reader) Source { return events{r} }

type events struct{ r dataset.Reader }

func (s events) Next() (pipeline.Record, error) {
	ev, err := s.r.Next()
	if err != nil {
		return pipeline.Record{}, err
	}
	value, err := json.Marshal(ev)
	if err != nil {
		return pipeline.Record{}, fmt.Errorf("encode event %s: %w", ev.MessageID, err)
	}
	return pipeline.Record{Key: []byte(ev.User()), Value: value, Timestamp: ev.Timestamp}, nil
}

// DefaultBatch is how many records go out in one Emit at full speed unless told otherwise.
const DefaultBatch = 1000

// Config configures a replay.
type Config struct {
	Topic    string                       // written
	Speed    dataset.Speed                // max, or event time sped up
	Batch    int                          // records per Emit at full speed; 0 means DefaultBatch
	Progress func(sent int, at time.Time) // told of every batch acknowledged: its size, its last event time; may be nil
}

// Summary is what a replay did.
type Summary struct {
	Sent int            // records acknowledged
	Bad  map[string]int // rows skipped, by reason
	Took time.Duration
}

// Run produces what src yields onto cfg.Topic through out until src ends or ctx is done. A
// batch is emitted when it is full, before a paced wait and at the end; the Summary counts what
// was acknowledged even when Run fails.
func Run(ctx context.Context, src Source, out pipeline.Emitter, cfg Config) (Summary, error) {
	size := cmp.Or(cfg.Batch, DefaultBatch)
	pacer := dataset.NewPacer(cfg.Speed, 0)
	start := time.Now()
	sum := Summary{Bad: map[string]int{}}
	batch := make([]pipeline.Record, 0, size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := out.Emit(ctx, batch); err != nil {
			return fmt.Errorf("replay after %d events: %w", sum.Sent, err)
		}
		sum.Sent += len(batch)
		if cfg.Progress != nil {
			cfg.Progress(len(batch), batch[len(batch)-1].Timestamp)
		}
		batch = batch[:0]
		return nil
	}
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *dataset.RowError
		if errors.As(err, &rowErr) {
			sum.Bad[rowErr.Reason]++
			continue
		}
		if err != nil {
			return sum, errors.Join(err, flush())
		}
		if !cfg.Speed.Max() && pacer.Delay(time.Now(), rec.Timestamp) > 0 {
			if err := flush(); err != nil {
				return sum, err
			}
			if err := pacer.Wait(ctx, rec.Timestamp); err != nil {
				return sum, fmt.Errorf("replay stopped after %d events: %w", sum.Sent, err)
			}
		}
		// Partitioned by key, as the original was; where it came from is not where it goes.
		batch = append(batch, pipeline.Record{Topic: cfg.Topic, Key: rec.Key, Value: rec.Value, Headers: rec.Headers, Timestamp: rec.Timestamp})
		if len(batch) == size {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	err := flush()
	sum.Took = time.Since(start)
	return sum, err
}
