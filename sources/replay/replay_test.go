package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/dataset"
)

// source yields n records, a skipped row after every third, then EOF.
type source struct{ n, i int }

func (s *source) Next() (pipeline.Record, error) {
	if s.i == s.n {
		return pipeline.Record{}, io.EOF
	}
	s.i++
	if s.i%4 == 0 {
		return pipeline.Record{}, &dataset.RowError{Reason: "bad_price", Err: errors.New("x")}
	}
	return pipeline.Record{Topic: "from", Partition: 3, Key: []byte(fmt.Sprint("u", s.i)), Value: []byte("v"), Timestamp: time.Unix(int64(s.i), 0)}, nil
}

type emitter struct {
	calls [][]pipeline.Record
	err   error
}

func (e *emitter) Emit(_ context.Context, recs []pipeline.Record) error {
	if e.err != nil {
		return e.err
	}
	e.calls = append(e.calls, append([]pipeline.Record(nil), recs...))
	return nil
}

// At full speed the records go out in full batches onto the topic, keyed as they came, the
// skipped rows counted by reason.
func TestRunBatchesAndCountsSkips(t *testing.T) {
	full, err := dataset.ParseSpeed("max")
	if err != nil {
		t.Fatal(err)
	}
	out := &emitter{}
	progress := 0
	sum, err := Run(t.Context(), &source{n: 12}, out, Config{Topic: "clickstream", Speed: full, Batch: 4, Progress: func(n int, _ time.Time) { progress += n }})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 9 || progress != 9 || sum.Bad["bad_price"] != 3 || len(out.calls) != 3 || len(out.calls[0]) != 4 {
		t.Fatalf("summary %+v, progress %d, batches %d", sum, progress, len(out.calls))
	}
	r := out.calls[0][0]
	if r.Topic != "clickstream" || r.Partition != 0 || string(r.Key) != "u1" {
		t.Errorf("first record %+v: want the clickstream topic, partitioned by key", r)
	}

	_, err = Run(t.Context(), &source{n: 12}, &emitter{err: errors.New("broker down")}, Config{Topic: "clickstream", Speed: full})
	if err == nil {
		t.Error("a failing emitter: no error")
	}
}
