package features

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// A progress marker cut anywhere is refused, not read as offset or watermark 0.
func TestTruncatedProgressIsRefused(t *testing.T) {
	enc := appendProgress(nil, progress{offset: 1 << 40, max: t0.UnixMilli()})
	for cut := range len(enc) {
		if pr, err := decodeProgress(enc[:cut]); !errors.Is(err, errCorrupt) {
			t.Errorf("a marker cut at %d of %d decoded to %+v, %v", cut, len(enc), pr, err)
		}
	}
	if _, err := decodeProgress(append(enc, 0)); !errors.Is(err, errCorrupt) {
		t.Errorf("a marker with a trailing byte decoded: %v", err)
	}
}

// A shopper whose events name something long (allowed by a larger max_event_bytes) keeps the
// profile through a restart: what the changelog holds restores.
func TestLongNamesRestore(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxEventBytes = 256 << 10
	long := strings.Repeat("x", 100<<10)
	reg := prometheus.NewPedanticRegistry()
	open := func(store *changelogStore) *processor {
		s, err := New(cfg, pipeline.DefaultTopics(), store, nil, reg, WithChangelog(store))
		if err != nil {
			t.Fatal(err)
		}
		s.now = func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
		proc, err := s.Open(t.Context(), "clickstream", 3)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return proc.(*processor)
	}
	store := newStore()
	p := open(store)
	values := [][]byte{track("u1", schemas.ProductViewed, 0, schemas.Properties{ProductID: "p1", Category: "audio." + long, Brand: long})}
	if err := partitionRun(t, p, values, 0, 1); err != nil {
		t.Fatal(err)
	}
	if p.profiles["u1"] == nil {
		t.Fatal("no profile for the long event")
	}
	if err := p.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	again := open(store)
	prof := again.profiles["u1"]
	if prof == nil {
		t.Fatal("the profile was lost in the restore")
	}
	// The profiles gauge counts what the partition holds: the one restored.
	h := &harness{t: t, reg: reg}
	if n := h.gauge("adshift_features_profiles"); n != 1 {
		t.Errorf("profiles gauge %v after the restore, want 1", n)
	}
	if got := again.names.name(prof.brands[0].id); got != long {
		t.Errorf("restored brand of %d bytes, want %d", len(got), len(long))
	}
}
