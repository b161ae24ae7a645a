package pipelinetest

import (
	"context"
	"sync"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// RowWriter is a pipeline.RowWriter that keeps every acknowledged Write. The first Fail calls
// fail with ErrUnavailable, and every call fails with Err while it is set.
type RowWriter struct {
	Err  error
	Fail int

	Calls  int            // every call, acknowledged or not
	Writes []schemas.Rows // the rows of the calls that returned nil

	mu sync.Mutex
}

var _ pipeline.RowWriter = (*RowWriter)(nil)

// Write implements pipeline.RowWriter.
func (w *RowWriter) Write(_ context.Context, rows schemas.Rows) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.Calls++
	switch {
	case w.Calls <= w.Fail:
		return ErrUnavailable
	case w.Err != nil:
		return w.Err
	}
	w.Writes = append(w.Writes, rows)
	return nil
}

var _ pipeline.RowWriter = Discard{}

// Write implements pipeline.RowWriter.
func (Discard) Write(context.Context, schemas.Rows) error { return nil }
