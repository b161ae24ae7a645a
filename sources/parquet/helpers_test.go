package parquet

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/schemas"
	sinkparquet "github.com/adshift/adshift/sinks/parquet"
	"github.com/adshift/adshift/sources/dataset/datasettest"
)

// Real shop traffic: a night of REES46 Open CDP and nine days of Alibaba's Taobao UserBehavior;
// see /work/shared/data/README.md.
const (
	rees46File = "../../../shared/data/rees46/2019-Oct_head17434.csv"
	taobaoFile = "../../../shared/data/taobao/UserBehavior_first815users.csv"
)

// topicRecords reads a dataset and returns its events as the clickstream topic would hold them
// (see datasettest.Clickstream). Every 500th record gets a header, and every 997th is replaced by
// broken JSON, as trackers sometimes send.
func topicRecords(tb testing.TB, format, file string, partitions int32) [][]pipeline.Record {
	tb.Helper()
	return datasettest.Clickstream(tb, format, file, partitions, func(i int, rec *pipeline.Record) {
		if i%997 == 996 {
			rec.Value = rec.Value[:len(rec.Value)/2]
		}
		if i%500 == 0 {
			rec.Headers = []schemas.Header{{Key: "tracker", Value: []byte("rudderstack")}}
		}
	})
}

// archiveRecords archives each partition's records through an archive stage and the Parquet sink
// under dir, in batches of batch, and closes the partitions.
func archiveRecords(tb testing.TB, dir string, parts [][]pipeline.Record, batch int) {
	tb.Helper()
	files, err := sinkparquet.NewFiles(sinkparquet.Config{Dir: dir, Compression: "zstd"}, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := archive.New(archive.DefaultConfig(), pipeline.DefaultTopics(), files, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	for p, recs := range parts {
		proc, err := st.Open(ctx, "clickstream", int32(p))
		if err != nil {
			tb.Fatal(err)
		}
		for b := range slices.Chunk(recs, batch) {
			if err := proc.Process(ctx, b); err != nil {
				tb.Fatalf("archive partition %d: %v", p, err)
			}
		}
		if err := proc.Close(ctx); err != nil {
			tb.Fatalf("close partition %d: %v", p, err)
		}
	}
}

// readAll reads every clickstream record of the archive under dir.
func readAll(t *testing.T, dir string) []pipeline.Record {
	t.Helper()
	r, err := Open(dir, "clickstream")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	var out []pipeline.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d records: %v", len(out), err)
		}
		out = append(out, rec)
	}
}

// byPartition splits records by partition, keeping their order.
func byPartition(recs []pipeline.Record, partitions int32) [][]pipeline.Record {
	out := make([][]pipeline.Record, partitions)
	for _, r := range recs {
		out[r.Partition] = append(out[r.Partition], r)
	}
	return out
}

// sameRecord compares what a replay must reproduce: partition, offset, key, value, headers and
// the Kafka timestamp.
func sameRecord(a, b pipeline.Record) bool {
	return a.Partition == b.Partition && a.Offset == b.Offset && string(a.Key) == string(b.Key) &&
		string(a.Value) == string(b.Value) && a.Timestamp.Equal(b.Timestamp) &&
		slices.EqualFunc(a.Headers, b.Headers, func(x, y schemas.Header) bool { return x.Key == y.Key && string(x.Value) == string(y.Value) })
}
