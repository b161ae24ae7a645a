package parquet

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// A shorter file of the same name (a redelivery cut short by a restart) never replaces a longer
// one; a longer one does replace a shorter one.
func TestPublishNeverShrinksAFile(t *testing.T) {
	fs := newTestFiles(t, "zstd")
	path := publish(t, fs, rows(0, 100, 150))
	publish(t, fs, rows(0, 100, 120))
	if got := offsetsOf(readRows(t, path)); len(got) != 51 || got[50] != 150 {
		t.Fatalf("after a shorter file of the same name, the file holds offsets %v, want 100..150", got)
	}
	publish(t, fs, rows(0, 100, 170))
	if got := offsetsOf(readRows(t, path)); len(got) != 71 || got[70] != 170 {
		t.Fatalf("a longer file of the same name did not replace it: offsets %v, want 100..170", got)
	}
}

// A published file removes the files of its hour and partition whose records it holds all of,
// and leftover temporary files from within its span, and nothing else.
func TestPublishPrunesWhatItSupersedes(t *testing.T) {
	fs := newTestFiles(t, "zstd")
	subset := publish(t, fs, rows(0, 110, 130))
	overlapping := publish(t, fs, rows(0, 140, 200))
	otherPartition := publish(t, fs, rows(1, 110, 130))
	before := publish(t, fs, rows(0, 50, 99))
	dir := filepath.Dir(subset)
	leftover := filepath.Join(dir, "part-0-120.parquet.8731.tmp")
	outside := filepath.Join(dir, "part-0-400.parquet.8732.tmp")
	for _, p := range []string{leftover, outside} {
		if err := os.WriteFile(p, []byte("PAR1 half a file"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	publish(t, fs, rows(0, 100, 150))

	for _, p := range []string{subset, leftover} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was not pruned (%v): the new file holds all its records", filepath.Base(p), err)
		}
	}
	for _, p := range []string{overlapping, otherPartition, before, outside} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed (%v): it holds records the new file does not", filepath.Base(p), err)
		}
	}
}

// A publish that fails on the disk can be retried, and writes the same file.
func TestPublishRetriesAfterADiskError(t *testing.T) {
	fs := newTestFiles(t, "zstd")
	meta := schemas.ArchiveFile{Kind: schemas.ArchiveAds, Topic: "ads.ready", Hour: hour0, Partition: 2, FirstOffset: 7}
	// A plain file where the hour folder should be makes every attempt fail.
	blocker := filepath.Join(fs.Dir(), filepath.FromSlash(meta.Dir()))
	if err := os.MkdirAll(filepath.Dir(blocker), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := fs.Create(meta)
	if err != nil {
		t.Fatal(err)
	}
	want := rows(2, 7, 60)
	if err := f.Write(want); err != nil {
		t.Fatal(err)
	}
	if err := f.Publish(t.Context()); err == nil {
		t.Fatal("Publish succeeded with a file in the way of its folder")
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	if err := f.Publish(t.Context()); err != nil {
		t.Fatalf("Publish after the disk recovered: %v", err)
	}
	got := readRows(t, filepath.Join(fs.Dir(), filepath.FromSlash(meta.Path())))
	if !slices.Equal(offsetsOf(got), offsetsOf(want)) {
		t.Fatalf("retried publish wrote offsets %v, want %v", offsetsOf(got), offsetsOf(want))
	}
	if err := f.Write(rows(2, 61, 61)); err == nil {
		t.Error("Write after Publish succeeded; the file is complete")
	}
	f.Discard()
}
