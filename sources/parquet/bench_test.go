package parquet

import (
	"errors"
	"io"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// BenchmarkRead measures reading an archive of real traffic back in replay order, as
// `adshift replay --parquet` does.
func BenchmarkRead(b *testing.B) {
	parts := topicRecords(b, "rees46", rees46File, 6)
	dir := b.TempDir()
	archiveRecords(b, dir, parts, 500)
	var events, size int64
	for _, p := range parts {
		for _, r := range p {
			events++
			size += int64(len(r.Key) + len(r.Value))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(dir, schemas.ArchiveClickstream)
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		if n != events {
			b.Fatalf("read %d records, want %d", n, events)
		}
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
