package archive

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// series returns every sample of name in reg by its labels joined with ",".
func series(t *testing.T, reg prometheus.Gatherer, name string) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, l.GetValue())
			}
			v := m.GetCounter().GetValue()
			if g := m.GetGauge(); g != nil {
				v = g.GetValue()
			}
			out[strings.Join(ls, ",")] = v
		}
	}
	return out
}

// The defaults are the documented ones, and every range is held at both ends.
func TestConfigDefaultsAndRanges(t *testing.T) {
	if got := DefaultConfig(); got != (Config{RollInterval: time.Hour, Lateness: 5 * time.Minute, MaxBytes: 256 << 20}) {
		t.Errorf("DefaultConfig() = %+v, want hourly rolls, 5m lateness, 256 MiB", got)
	}
	f := func(key string, ok bool, spoil func(*Config)) {
		t.Helper()
		cfg := DefaultConfig()
		spoil(&cfg)
		err := cfg.Validate()
		if ok && err != nil {
			t.Errorf("%s: %v, want valid", key, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), key+":")) {
			t.Errorf("%s: %v, want an error naming it", key, err)
		}
	}
	f("roll_interval", true, func(c *Config) { c.RollInterval = time.Nanosecond })
	f("roll_interval", false, func(c *Config) { c.RollInterval = -time.Second })
	f("lateness", true, func(c *Config) { c.Lateness = 0 })
	f("lateness", false, func(c *Config) { c.Lateness = -time.Nanosecond })
	f("max_bytes", true, func(c *Config) { c.MaxBytes = 1 << 20 })
	f("max_bytes", false, func(c *Config) { c.MaxBytes = 1<<20 - 1 })
	if _, err := New(DefaultConfig(), pipeline.DefaultTopics(), nil, nil, nil); err == nil {
		t.Error("New accepted nil files")
	}
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), newFakeFiles(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "archive" {
		t.Errorf("Name() = %q", s.Name())
	}
	for topic, kind := range map[string]schemas.ArchiveKind{"clickstream": schemas.ArchiveClickstream, "ads.ready": schemas.ArchiveAds, "ad.outcomes": schemas.ArchiveOutcomes} {
		p, err := s.Open(t.Context(), topic, 3)
		if err != nil {
			t.Fatal(err)
		}
		if pp := p.(*processor); pp.kind != kind || pp.partition != 3 || pp.topic != topic {
			t.Errorf("Open(%s, 3) archives %s partition %d of %s", topic, pp.kind, pp.partition, pp.topic)
		}
	}
	empty, err := s.Open(t.Context(), "clickstream", 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := empty.Close(t.Context()); err != nil {
		t.Errorf("Close of a partition that took nothing: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Open(ctx, "clickstream", 0); err == nil {
		t.Error("Open with its context done succeeded")
	}
}

// A record at exactly the end of the hour plus the lateness closes the hour; a millisecond
// before it stays in the segment.
func TestHourClosesExactlyAtTheLateness(t *testing.T) {
	h := newHarness(t, DefaultConfig(), newFakeFiles()) // lateness 5m
	h.process(event(0, 10*time.Minute, "a"), event(1, 65*time.Minute-time.Millisecond, "a"))
	wantFiles(t, h.files.files(), map[string][]int64{})
	h.process(event(2, 65*time.Minute, "a"))
	wantFiles(t, h.files.files(), map[string][]int64{path(0, 0): {0}, path(1, 1): {1}})
}

// A segment takes records up to exactly MaxBytes, counting keys, values and headers.
func TestSegmentHoldsExactlyMaxBytes(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBytes = 1 << 20
	pad := func(r pipeline.Record, n int64) pipeline.Record {
		base := size(&r) + int64(len("pad"))
		r.Headers = []schemas.Header{{Key: "pad", Value: bytes.Repeat([]byte{'x'}, int(n-base))}}
		if size(&r) != n {
			t.Fatalf("record of %d bytes, want %d", size(&r), n)
		}
		return r
	}
	r := event(0, time.Minute, "a")
	if want := int64(len(r.Key) + len(r.Value)); size(&r) != want {
		t.Fatalf("size = %d, want key and value, %d", size(&r), want)
	}
	r.Headers = []schemas.Header{{Key: "ab", Value: []byte("cde")}}
	if want := int64(len(r.Key) + len(r.Value) + 5); size(&r) != want {
		t.Fatalf("size with a header = %d, want %d", size(&r), want)
	}

	h := newHarness(t, cfg, newFakeFiles())
	h.process(pad(event(0, time.Minute, "a"), cfg.MaxBytes/2), pad(event(1, 2*time.Minute, "a"), cfg.MaxBytes/2))
	wantFiles(t, h.files.files(), map[string][]int64{})
	h.process(pad(event(2, 3*time.Minute, "a"), 300))
	wantFiles(t, h.files.files(), map[string][]int64{path(0, 0): {0, 1}})

	h = newHarness(t, cfg, newFakeFiles())
	h.process(pad(event(0, time.Minute, "a"), cfg.MaxBytes/2), pad(event(1, 2*time.Minute, "a"), cfg.MaxBytes/2+1))
	wantFiles(t, h.files.files(), map[string][]int64{path(0, 0): {0}})
}

// The stage counts the records and files it published, by why their segment was cut, its
// failed publishes, and the bytes it holds, back to zero once all is published.
func TestArchiveMetrics(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	files := newFakeFiles()
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), files, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(t.Context(), "clickstream", 0)
	if err != nil {
		t.Fatal(err)
	}
	recs := []pipeline.Record{event(0, 10*time.Minute, "a"), event(1, 20*time.Minute, "b"), event(2, 61*time.Minute, "c")}
	if err := p.Process(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	var want float64
	for i := range recs {
		want += float64(size(&recs[i]))
	}
	if got := series(t, reg, "adshift_archive_held_bytes")[""]; got != want {
		t.Errorf("held bytes %v, want the records' %v", got, want)
	}
	files.failPublish = 1
	late := event(3, 70*time.Minute, "d")
	if err := p.Process(t.Context(), []pipeline.Record{late}); err == nil {
		t.Fatal("a failed publish was not returned")
	}
	if err := p.Process(t.Context(), []pipeline.Record{late}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := series(t, reg, "adshift_archive_held_bytes")[""]; got != 0 {
		t.Errorf("held bytes %v once all is published, want 0", got)
	}
	if got := series(t, reg, "adshift_archive_records_total"); got["clickstream"] != 4 || got["ads"] != 0 || len(got) != 3 {
		t.Errorf("records %v, want 4 clickstream records and zeros for the other kinds", got)
	}
	filesTotal := series(t, reg, "adshift_archive_files_total")
	if filesTotal["hour_closed,clickstream"] != 2 || filesTotal["close,clickstream"] != 1 || filesTotal["size,clickstream"] != 0 || len(filesTotal) != 12 {
		t.Errorf("files %v, want the two files of the segment cut as hour 0 closed, one on close, every series present", filesTotal)
	}
	if got := series(t, reg, "adshift_archive_publish_errors_total"); got["clickstream"] != 1 || got["ads"] != 0 || len(got) != 3 {
		t.Errorf("publish errors %v, want 1 for the clickstream and zeros for the other kinds", got)
	}
	if err := p.Close(t.Context()); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

// A Close that cannot publish releases the bytes the partition held.
func TestCloseFailureReleasesHeldBytes(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	files := newFakeFiles()
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), files, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(t.Context(), "clickstream", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Process(t.Context(), []pipeline.Record{event(0, 10*time.Minute, "a"), event(1, 61*time.Minute, "b")}); err != nil {
		t.Fatal(err)
	}
	files.failPublish = 1
	if err := p.Close(t.Context()); err == nil {
		t.Fatal("Close succeeded though nothing was published")
	}
	if got := series(t, reg, "adshift_archive_held_bytes")[""]; got != 0 {
		t.Errorf("held bytes %v after a failed Close, want 0", got)
	}
	if _, ok := p.(*processor).Held(); ok {
		t.Error("a closed partition still holds offsets")
	}
}

// Mutants left alive: the offset Held returns with false, which callers ignore (equivalent);
// and marking a part published, whose loss would publish it again after a later part of its
// segment failed, which the fake files, failing the first publishes only, cannot provoke.
