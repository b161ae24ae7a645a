package pipelinetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/adshift/adshift/pipeline"
)

// ErrUnavailable is what Emitter and RowWriter return for the calls Fail makes fail.
var ErrUnavailable = errors.New("pipelinetest: sink unavailable")

// Emitter is a pipeline.Emitter that keeps a copy of every call, keys and values included (a
// caller may reuse their bytes once Emit returns). The first Fail calls fail with ErrUnavailable,
// and every call fails with Err while it is set.
type Emitter struct {
	Err  error
	Fail int

	// Calls holds every call, acknowledged or not; Acked only those that returned nil.
	Calls [][]pipeline.Record
	Acked [][]pipeline.Record

	mu sync.Mutex
}

var _ pipeline.Emitter = (*Emitter)(nil)

// Emit implements pipeline.Emitter.
func (e *Emitter) Emit(_ context.Context, recs []pipeline.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	recs = slices.Clone(recs)
	for i := range recs {
		recs[i].Key, recs[i].Value = bytes.Clone(recs[i].Key), bytes.Clone(recs[i].Value)
	}
	e.Calls = append(e.Calls, recs)
	switch {
	case len(e.Calls) <= e.Fail:
		return ErrUnavailable
	case e.Err != nil:
		return e.Err
	}
	e.Acked = append(e.Acked, recs)
	return nil
}

// Records returns every record acknowledged, in order.
func (e *Emitter) Records() []pipeline.Record {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Concat(e.Acked...)
}

// Discard is a pipeline.Emitter and a pipeline.RowWriter that acknowledges everything at once,
// like a sink with no latency: for benchmarks.
type Discard struct{}

var _ pipeline.Emitter = Discard{}

// Emit implements pipeline.Emitter.
func (Discard) Emit(context.Context, []pipeline.Record) error { return nil }
