package parquet

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
	sinkparquet "github.com/adshift/adshift/sinks/parquet"
)

var h0 = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

// writeFile publishes one archive file of partition p for the hour of its first row.
func writeFile(t *testing.T, files *sinkparquet.Files, p int32, rows ...schemas.ArchiveRow) {
	t.Helper()
	f, err := files.Create(schemas.ArchiveFile{Kind: schemas.ArchiveClickstream, Topic: "clickstream",
		Hour: rows[0].EventTime.Truncate(time.Hour), Partition: p, FirstOffset: rows[0].Offset})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := f.Publish(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// at is a row of partition p at offset o with event time and timestamp h0+minutes.
func at(p int32, o int64, minutes int) schemas.ArchiveRow {
	ts := h0.Add(time.Duration(minutes) * time.Minute)
	return schemas.ArchiveRow{EventTime: ts, Key: []byte{'k', byte('0' + o)}, Value: []byte{'v', byte('0' + o)}, Partition: p, Offset: o, Timestamp: ts}
}

// The reader gives each partition back in offset order across its hour files, each offset once
// where files overlap, interleaves partitions by timestamp, and skips temporary files.
func TestReaderMergesFilesBackIntoPartitionOrder(t *testing.T) {
	dir := t.TempDir()
	files, err := sinkparquet.NewFiles(sinkparquet.Config{Dir: dir, Compression: "zstd"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Partition 0: a segment over hours 0 and 1, a late file, the next segment, and a file from
	// an earlier run that overlaps two of them.
	writeFile(t, files, 0, at(0, 0, 10), at(0, 1, 30), at(0, 2, 58), at(0, 4, 59))
	writeFile(t, files, 0, at(0, 3, 61), at(0, 5, 64))
	writeFile(t, files, 0, at(0, 6, 66), at(0, 8, 70))
	writeFile(t, files, 0, at(0, 7, 50))
	writeFile(t, files, 0, at(0, 5, 64), at(0, 6, 66))
	// Partition 1: one file, its timestamps between partition 0's.
	writeFile(t, files, 1, at(1, 0, 20), at(1, 1, 60), at(1, 2, 65))
	hour1 := filepath.Join(dir, "clickstream", "dt=2019-10-01", "hour=01")
	if err := os.WriteFile(filepath.Join(hour1, "part-0-9.parquet.123.tmp"), []byte("PAR1 half"), 0o644); err != nil {
		t.Fatal(err)
	}

	got := readAll(t, dir)
	type po struct {
		p int32
		o int64
	}
	var order []po
	for _, r := range got {
		order = append(order, po{r.Partition, r.Offset})
		if string(r.Key) != string([]byte{'k', byte('0' + r.Offset)}) || r.Topic != "clickstream" {
			t.Errorf("record %d/%d came back as key %q topic %q", r.Partition, r.Offset, r.Key, r.Topic)
		}
	}
	// By timestamp, but a partition keeps its offset order: 0/4 (00:59) comes after 0/3 (01:01),
	// and the late 0/7 (00:50) after 0/6.
	want := []po{{0, 0}, {1, 0}, {0, 1}, {0, 2}, {1, 1}, {0, 3}, {0, 4}, {0, 5}, {1, 2}, {0, 6}, {0, 7}, {0, 8}}
	if !slices.Equal(order, want) {
		t.Fatalf("records came back as (partition, offset) %v, want %v", order, want)
	}
}

// A file the archive did not name is an error that names it.
func TestListRejectsStrangeFiles(t *testing.T) {
	dir := t.TempDir()
	stray := filepath.Join(dir, "clickstream", "dt=2019-10-01", "hour=00", "export.parquet")
	if err := os.MkdirAll(filepath.Dir(stray), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stray, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := List(dir, schemas.ArchiveClickstream); err == nil || !strings.Contains(err.Error(), "export.parquet") {
		t.Fatalf("List = %v, want an error naming export.parquet", err)
	}
	if _, err := List(dir, schemas.ArchiveAds); err == nil {
		t.Fatal("List of a kind with no folder succeeded")
	}
}

// A reader listing and reading the archive while the archive stage writes it never finds a
// .parquet file it cannot read whole: files appear complete or not at all.
func TestReadersNeverSeeAPartialFile(t *testing.T) {
	// Nine days of real traffic: about two hundred hours, so hundreds of files.
	parts := topicRecords(t, "taobao", taobaoFile, 2)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "clickstream"), 0o755); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	var passes, reads int
	var failure error
	wg.Go(func() {
		read := map[string]bool{}
		for ctx.Err() == nil {
			files, err := List(dir, schemas.ArchiveClickstream)
			if err != nil {
				failure = err
				return
			}
			for _, f := range files {
				if read[f.Path] {
					continue
				}
				read[f.Path] = true
				rows, err := ReadFile(f.Path)
				if os.IsNotExist(err) {
					continue // pruned since it was listed
				}
				if err != nil {
					failure = err
					return
				}
				if len(rows) == 0 || rows[0].Offset != f.FirstOffset {
					failure = &os.PathError{Op: "read", Path: f.Path, Err: os.ErrInvalid}
					return
				}
				reads++
			}
			passes++
		}
	})
	archiveRecords(t, dir, parts, 200)
	stop()
	wg.Wait()
	if failure != nil {
		t.Fatalf("a reader saw a file it could not read while the archive was written: %v", failure)
	}
	files, err := List(dir, schemas.ArchiveClickstream)
	if err != nil {
		t.Fatal(err)
	}
	if reads == 0 || len(files) < 100 {
		t.Fatalf("%d files read during %d passes over %d files: the test checked nothing", reads, passes, len(files))
	}
	t.Logf("%d files written; %d complete reads in %d listings while writing", len(files), reads, passes)
	var total int
	for _, p := range parts {
		total += len(p)
	}
	if got := len(readAll(t, dir)); got != total {
		t.Fatalf("archive holds %d records, want %d", got, total)
	}
}
