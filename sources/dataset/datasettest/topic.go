// Package datasettest turns a real dataset into the records a Kafka topic holds, for the tests
// and benchmarks of the stages, sources and sinks that read the clickstream.
package datasettest

import (
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/dataset"
)

// Clickstream reads a dataset and returns its events as the clickstream topic would hold them
// after `adshift replay`: Segment JSON keyed by user, spread over partitions by key, numbered per
// partition, with the event time as Kafka timestamp (to the millisecond, as Kafka keeps it).
// Rows the dataset cannot map are left out. edit, when not nil, may change each record before it
// is numbered; i is the record's row among all the dataset's rows, mapped or not.
func Clickstream(tb testing.TB, format, file string, partitions int32, edit func(i int, rec *pipeline.Record)) [][]pipeline.Record {
	tb.Helper()
	r, err := dataset.Open(format, file)
	if err != nil {
		tb.Fatalf("open real data: %v", err)
	}
	defer r.Close()
	out := make([][]pipeline.Record, partitions)
	for i := 0; ; i++ {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *dataset.RowError
		if errors.As(err, &rowErr) {
			continue
		}
		if err != nil {
			tb.Fatalf("read real data: %v", err)
		}
		value, err := json.Marshal(ev)
		if err != nil {
			tb.Fatal(err)
		}
		h := fnv.New32a()
		h.Write([]byte(ev.User()))
		p := int32(h.Sum32() % uint32(partitions))
		rec := pipeline.Record{
			Topic: "clickstream", Partition: p,
			Key: []byte(ev.User()), Value: value, Timestamp: ev.Timestamp.Truncate(time.Millisecond),
		}
		if edit != nil {
			edit(i, &rec)
		}
		rec.Offset = int64(len(out[p]))
		out[p] = append(out[p], rec)
	}
	return out
}
