package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// fakeFiles keeps published files in memory, by path, with the sink's rule that a file is never
// replaced by one of the same name holding fewer records. failPublish fails that many Publish
// calls first.
type fakeFiles struct {
	mu          sync.Mutex
	published   map[string][]schemas.ArchiveRow
	log         []string // paths in the order they were published
	failPublish int
	discarded   int
}

func newFakeFiles() *fakeFiles {
	return &fakeFiles{published: make(map[string][]schemas.ArchiveRow)}
}

func (fs *fakeFiles) Create(f schemas.ArchiveFile) (File, error) {
	return &fakeFile{fs: fs, meta: f}, nil
}

// files returns the published files and their offsets.
func (fs *fakeFiles) files() map[string][]int64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make(map[string][]int64)
	for p, rows := range fs.published {
		for _, r := range rows {
			out[p] = append(out[p], r.Offset)
		}
	}
	return out
}

type fakeFile struct {
	fs   *fakeFiles
	meta schemas.ArchiveFile
	rows []schemas.ArchiveRow
}

func (f *fakeFile) Write(rows []schemas.ArchiveRow) error {
	for _, r := range rows {
		if r.Partition != f.meta.Partition || r.EventTime.Truncate(time.Hour) != f.meta.Hour {
			return fmt.Errorf("row at offset %d (partition %d, %v) written to %s", r.Offset, r.Partition, r.EventTime, f.meta.Path())
		}
		if len(f.rows) > 0 && r.Offset <= f.rows[len(f.rows)-1].Offset {
			return fmt.Errorf("offset %d written after %d to %s", r.Offset, f.rows[len(f.rows)-1].Offset, f.meta.Path())
		}
		// The processor reuses its row slices: keep copies, as the real sink encodes them.
		f.rows = append(f.rows, r)
	}
	if len(f.rows) > 0 && f.rows[0].Offset != f.meta.FirstOffset {
		return fmt.Errorf("%s starts at offset %d", f.meta.Path(), f.rows[0].Offset)
	}
	return nil
}

func (f *fakeFile) Publish(context.Context) error {
	fs := f.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.failPublish > 0 {
		fs.failPublish--
		return errors.New("disk full")
	}
	p := f.meta.Path()
	if old, ok := fs.published[p]; !ok || old[len(old)-1].Offset < f.rows[len(f.rows)-1].Offset {
		fs.published[p] = slices.Clone(f.rows)
	}
	fs.log = append(fs.log, p)
	return nil
}

func (f *fakeFile) Discard() {
	f.fs.mu.Lock()
	f.fs.discarded++
	f.fs.mu.Unlock()
}

// t0 is the start of the test hour.
var t0 = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

// event returns a clickstream record of a Product Viewed by user at t0+at, with a Kafka timestamp
// equal to its event time.
func event(offset int64, at time.Duration, user string) pipeline.Record {
	ts := t0.Add(at)
	b, err := json.Marshal(schemas.Event{
		Type: "track", Event: schemas.ProductViewed, UserID: user, MessageID: fmt.Sprintf("m%d", offset),
		Timestamp: ts, Properties: schemas.Properties{ProductID: "p1"},
	})
	if err != nil {
		panic(err)
	}
	return pipeline.Record{Topic: "clickstream", Offset: offset, Key: []byte(user), Value: b, Timestamp: ts.Truncate(time.Millisecond)}
}

// harness is an archive stage over fake files, with one clickstream partition open.
type harness struct {
	t     *testing.T
	files *fakeFiles
	stage *Stage
	proc  *processor
}

func newHarness(t *testing.T, cfg Config, files *fakeFiles) *harness {
	t.Helper()
	s, err := New(cfg, pipeline.DefaultTopics(), files, nil, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p, err := s.Open(t.Context(), pipeline.DefaultTopics().Clickstream, 0)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return &harness{t: t, files: files, stage: s, proc: p.(*processor)}
}

func (h *harness) process(batch ...pipeline.Record) {
	h.t.Helper()
	if err := h.proc.Process(h.t.Context(), batch); err != nil {
		h.t.Fatalf("Process: %v", err)
	}
}

func (h *harness) held() int64 {
	h.t.Helper()
	off, ok := h.proc.Held()
	if !ok {
		return -1
	}
	return off
}

// path is the path of the clickstream file of partition 0 for hour h (0 or 1 after t0) from
// offset first.
func path(h int, first int64) string {
	return schemas.ArchiveFile{Kind: schemas.ArchiveClickstream, Hour: t0.Add(time.Duration(h) * time.Hour), FirstOffset: first}.Path()
}

func wantFiles(t *testing.T, got, want map[string][]int64) {
	t.Helper()
	if !maps.EqualFunc(got, want, slices.Equal[[]int64]) {
		t.Fatalf("published files:\n got %v\nwant %v", got, want)
	}
}
