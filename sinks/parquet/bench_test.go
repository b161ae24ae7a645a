package parquet

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/sources/dataset/datasettest"
)

// loadTopic reads a real dataset into clickstream records on six partitions, keyed by user, as
// `adshift replay` would have produced them, and counts them and their keys' and values' bytes.
func loadTopic(b *testing.B, format, file string) (parts [][]pipeline.Record, events int, size int64) {
	b.Helper()
	parts = datasettest.Clickstream(b, format, file, 6, nil)
	for _, recs := range parts {
		for _, r := range recs {
			events++
			size += int64(len(r.Key) + len(r.Value))
		}
	}
	return parts, events, size
}

// BenchmarkArchive measures the archive stage writing real traffic to Parquet: decode for the
// event time, encode, compress, and publish each file (write, fsync, rename, fsync the folder).
// REES46 is one busy night (few large files); Taobao nine days of a small shop (many small files,
// where the fsyncs weigh most).
func BenchmarkArchive(b *testing.B) {
	for _, ds := range []struct{ name, format, file string }{
		{"rees46", "rees46", "../../../shared/data/rees46/2019-Oct_head17434.csv"},
		{"taobao", "taobao", "../../../shared/data/taobao/UserBehavior_first815users.csv"},
	} {
		parts, events, size := loadTopic(b, ds.format, ds.file)
		for _, codec := range []string{"zstd", "snappy"} {
			b.Run(ds.name+"/"+codec, func(b *testing.B) {
				ctx := context.Background()
				var written int64
				var files int
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					dir := b.TempDir()
					fs, err := NewFiles(Config{Dir: dir, Compression: codec}, nil, nil)
					if err != nil {
						b.Fatal(err)
					}
					st, err := archive.New(archive.DefaultConfig(), pipeline.DefaultTopics(), fs, nil, nil)
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					for p, recs := range parts {
						proc, err := st.Open(ctx, "clickstream", int32(p))
						if err != nil {
							b.Fatal(err)
						}
						for batch := range slices.Chunk(recs, 500) {
							if err := proc.Process(ctx, batch); err != nil {
								b.Fatal(err)
							}
						}
						if err := proc.Close(ctx); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					written, files = dirSize(b, dir)
					b.StartTimer()
				}
				b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
				b.ReportMetric(float64(written)/float64(events), "file-bytes/event")
				b.ReportMetric(float64(size)/float64(written), "compression")
				b.ReportMetric(float64(files), "files")
			})
		}
	}
}

func dirSize(b *testing.B, dir string) (int64, int) {
	var n int64
	var files int
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n += info.Size()
		files++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n, files
}
