package archive

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// An hour's file is published once the partition's event time passes the hour plus the
// lateness; stragglers within the lateness join it, the next hour's first minutes go with it,
// and a straggler past the lateness gets a late file of its hour. Offsets are held from the
// first record not yet published.
func TestSegmentCutWhenTheHourCloses(t *testing.T) {
	h := newHarness(t, DefaultConfig(), newFakeFiles()) // lateness 5m
	h.process(
		event(0, 10*time.Minute, "a"),
		event(1, 30*time.Minute, "b"),
		event(2, 58*time.Minute, "a"),
		event(3, 62*time.Minute, "c"), // hour 1, within the lateness of hour 0
		event(4, 59*time.Minute, "b"), // a straggler of hour 0, in time
	)
	if got := h.held(); got != 0 {
		t.Fatalf("held from %d before hour 0 closed, want 0", got)
	}
	wantFiles(t, h.files.files(), map[string][]int64{})

	h.process(
		event(5, 64*time.Minute, "a"),
		event(6, 66*time.Minute, "b"), // past 01:05: hour 0 closes before this record
		event(7, 50*time.Minute, "c"), // hour 0, too late: a late file
		event(8, 70*time.Minute, "a"),
	)
	wantFiles(t, h.files.files(), map[string][]int64{
		path(0, 0): {0, 1, 2, 4},
		path(1, 3): {3, 5},
	})
	if got := h.held(); got != 6 {
		t.Fatalf("held from %d after hour 0 closed, want 6: offsets up to 5 are published", got)
	}

	if err := h.proc.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wantFiles(t, h.files.files(), map[string][]int64{
		path(0, 0): {0, 1, 2, 4},
		path(1, 3): {3, 5},
		path(1, 6): {6, 8},
		path(0, 7): {7},
	})
	if off, ok := h.proc.Held(); ok {
		t.Errorf("still holding from %d after Close", off)
	}
	if err := h.proc.Process(t.Context(), []pipeline.Record{event(9, 71*time.Minute, "a")}); err != ErrClosed {
		t.Errorf("Process after Close = %v, want ErrClosed", err)
	}
}

// A segment is cut before a record that would take it past MaxBytes.
func TestSegmentCutBySize(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBytes = 1 << 20
	h := newHarness(t, cfg, newFakeFiles())
	big := func(offset int64) pipeline.Record {
		r := event(offset, time.Duration(offset)*time.Second, "a")
		r.Headers = []schemas.Header{{Key: "pad", Value: bytes.Repeat([]byte{'x'}, 300<<10)}}
		return r
	}
	h.process(big(0), big(1), big(2), big(3), big(4))
	wantFiles(t, h.files.files(), map[string][]int64{path(0, 0): {0, 1, 2}})
	if got := h.held(); got != 3 {
		t.Fatalf("held from %d, want 3", got)
	}
}

// A segment open for the roll interval of wall time is cut when the next batch arrives, however
// little event time has passed.
func TestSegmentCutByRollInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, DefaultConfig(), newFakeFiles()) // roll 1h
		h.process(event(0, time.Minute, "a"))
		time.Sleep(59 * time.Minute)
		h.process(event(1, 2*time.Minute, "a"))
		wantFiles(t, h.files.files(), map[string][]int64{})

		time.Sleep(time.Minute)
		h.process(event(2, 3*time.Minute, "a"))
		wantFiles(t, h.files.files(), map[string][]int64{path(0, 0): {0, 1}})
		if got := h.held(); got != 2 {
			t.Fatalf("held from %d after the roll, want 2", got)
		}
	})
}

// A failed publish fails the batch; the retried batch publishes the same files, with every
// record once, and the offsets stay held until it does.
func TestFailedPublishIsRetriedWithoutLossOrRepeats(t *testing.T) {
	files := newFakeFiles()
	h := newHarness(t, DefaultConfig(), files)
	h.process(event(0, 10*time.Minute, "a"), event(1, 20*time.Minute, "b"))
	files.failPublish = 2
	batch := []pipeline.Record{event(2, 30*time.Minute, "a"), event(3, 70*time.Minute, "b"), event(4, 71*time.Minute, "c")}
	for attempt := 1; attempt <= 2; attempt++ {
		if err := h.proc.Process(t.Context(), batch); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("attempt %d: Process = %v, want the publish error", attempt, err)
		}
		if got := h.held(); got != 0 {
			t.Fatalf("attempt %d: held from %d while hour 0 is unpublished, want 0", attempt, got)
		}
	}
	h.process(batch...)
	wantFiles(t, h.files.files(), map[string][]int64{path(0, 0): {0, 1, 2}})
	if got := h.held(); got != 3 {
		t.Fatalf("held from %d, want 3", got)
	}
	if err := h.proc.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, h.files.files(), map[string][]int64{path(0, 0): {0, 1, 2}, path(1, 3): {3, 4}})
}

// A Close that cannot publish drops what it held, and says so.
func TestCloseFailureDiscards(t *testing.T) {
	files := newFakeFiles()
	h := newHarness(t, DefaultConfig(), files)
	h.process(event(0, 10*time.Minute, "a"), event(1, 20*time.Minute, "b"), event(2, 61*time.Minute, "b"))
	files.failPublish = 1
	if err := h.proc.Close(t.Context()); err == nil {
		t.Fatal("Close reported success though the files were not published")
	}
	if files.discarded != 2 {
		t.Errorf("%d files discarded, want 2", files.discarded)
	}
	wantFiles(t, files.files(), map[string][]int64{})
}

// records returns n records of one partition spread over three hours, a few out of order.
func records(n int) []pipeline.Record {
	var out []pipeline.Record
	for i := range n {
		at := time.Duration(i) * 3 * time.Hour / time.Duration(n)
		if i%7 == 3 {
			at -= 4 * time.Minute // stragglers, some past the lateness of an hour
		}
		if i%29 == 5 {
			at -= 20 * time.Minute
		}
		r := event(int64(i), at, string(rune('a'+i%5)))
		// Padding, so that segments are also cut by size.
		r.Headers = []schemas.Header{{Key: "pad", Value: bytes.Repeat([]byte{'x'}, 8<<10)}}
		out = append(out, r)
	}
	return out
}

// A crash loses nothing and leaves nothing twice: the partition comes again from the offset last
// committed, however far behind it was, and the archive ends as if there had been no crash.
func TestRedeliveryAfterACrashRebuildsTheSameFiles(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxBytes = 1 << 20
	t.Run("three hours", func(t *testing.T) {
		checkRedelivery(t, cfg, records(600), 50, 10)
	})
	t.Run("segment opened by a straggler", func(t *testing.T) {
		// A size cut lands just before a straggler of hour 0 while hour 1 is under way: the next
		// segment belongs to hour 0 and is cut again at 01:05, whatever came before it.
		pad := func(r pipeline.Record) pipeline.Record {
			r.Headers = []schemas.Header{{Key: "pad", Value: bytes.Repeat([]byte{'x'}, 300<<10)}}
			return r
		}
		recs := []pipeline.Record{
			pad(event(0, 50*time.Minute, "a")), pad(event(1, 58*time.Minute, "b")), pad(event(2, 61*time.Minute, "c")),
			pad(event(3, 59*time.Minute, "a")), event(4, 63*time.Minute, "b"), event(5, 66*time.Minute, "c"),
			event(6, 80*time.Minute, "a"), event(7, 130*time.Minute, "b"),
		}
		checkRedelivery(t, cfg, recs, 1, 3)
	})
}

// checkRedelivery archives recs in batches of size batch without a crash, then crashes after
// every batch and redelivers from each of the last few offsets a worker would have committed,
// and wants the same files every time.
func checkRedelivery(t *testing.T, cfg Config, recs []pipeline.Record, batch, minFiles int) {
	t.Helper()
	whole := newFakeFiles()
	h := newHarness(t, cfg, whole)
	for b := range slices.Chunk(recs, batch) {
		h.process(b...)
	}
	if err := h.proc.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := whole.files()
	if len(want) < minFiles {
		t.Fatalf("only %d files, want at least %d: %v", len(want), minFiles, want)
	}
	t.Logf("%d files without a crash", len(want))

	for crashAt := batch; crashAt < len(recs); crashAt += batch {
		for lag := range 3 {
			files := newFakeFiles()
			h := newHarness(t, cfg, files)
			var committed []int64 // what the worker would have committed after each batch
			for b := range slices.Chunk(recs[:crashAt], batch) {
				h.process(b...)
				off, ok := h.proc.Held()
				if !ok {
					off = b[len(b)-1].Offset + 1
				}
				committed = append(committed, off)
			}
			// Crash: no Close. The last commit that reached Kafka may be a few batches old.
			from := committed[max(0, len(committed)-1-lag)]
			again := newHarness(t, cfg, files)
			for b := range slices.Chunk(recs[from:], max(1, batch*3/4)) {
				again.process(b...)
			}
			if err := again.proc.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := files.files(); !equalFiles(got, want) {
				t.Fatalf("crash after %d records, redelivered from %d: archive differs from an uncrashed run\n got %v\nwant %v", crashAt, from, got, want)
			}
		}
	}
}

func equalFiles(a, b map[string][]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// Ads are filed by their creation time; other topics' records keep their bytes and fall back to
// the Kafka timestamp when their value says nothing usable.
func TestRowsOfEachKind(t *testing.T) {
	at := time.Date(2019, 10, 1, 3, 4, 5, 0, time.UTC)
	ad, _ := json.Marshal(schemas.Ad{AdID: "ad-1", User: "u", Product: schemas.Product{ID: "p", Title: "t", Category: "c", Price: 1, Currency: "USD"},
		Creative: schemas.Creative{Headline: "h", Body: "b", CTA: "c", Locale: "en"}, Strategy: schemas.Strategy{Arm: "value", Group: schemas.GroupTreatment}, CreatedAt: at, ExpiresAt: at.Add(time.Hour)})
	kafka := at.Add(time.Second)
	r := row(schemas.ArchiveAds, &pipeline.Record{Offset: 9, Key: []byte("u"), Value: ad, Timestamp: kafka})
	if !r.EventTime.Equal(at) || r.Offset != 9 || !bytes.Equal(r.Value, ad) {
		t.Errorf("ad row = at %v offset %d; want %v offset 9 with its bytes", r.EventTime, r.Offset, at)
	}
	bad := row(schemas.ArchiveClickstream, &pipeline.Record{Value: []byte(`{"broken`), Timestamp: kafka,
		Headers: []schemas.Header{{Key: "h", Value: []byte("v")}}})
	if !bad.EventTime.Equal(kafka) || string(bad.Value) != `{"broken` || len(bad.Headers) != 1 || bad.Headers[0].Key != "h" {
		t.Errorf("undecodable row = %+v; want its bytes and headers, filed at the Kafka timestamp %v", bad, kafka)
	}
}

func TestEventTime(t *testing.T) {
	kafka := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	f := func(at, kafka, want time.Time) {
		t.Helper()
		if got := eventTime(at, kafka); !got.Equal(want) {
			t.Errorf("eventTime(%v, %v) = %v, want %v", at, kafka, got, want)
		}
	}
	f(kafka.Add(-48*time.Hour), kafka, kafka.Add(-48*time.Hour))            // replayed history: its own time
	f(kafka.Add(59*time.Minute), kafka, kafka.Add(59*time.Minute))          // a client clock a little ahead
	f(kafka.Add(2*time.Hour), kafka, kafka)                                 // too far ahead of Kafka
	f(time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), kafka, kafka)          // a clock bug
	f(time.Time{}, kafka, kafka)                                            // no event time
	f(kafka, time.UnixMilli(-1), kafka)                                     // no Kafka timestamp
	f(kafka.In(time.FixedZone("CST", 8*3600)), kafka.Add(time.Hour), kafka) // filed in UTC
}

// Config errors name what is wrong; New refuses them.
func TestConfigValidate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RollInterval = 0
	cfg.MaxBytes = 10
	err := cfg.Validate()
	for _, want := range []string{"roll_interval", "max_bytes"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %s", err, want)
		}
	}
	if _, err := New(cfg, pipeline.DefaultTopics(), newFakeFiles(), nil, nil); err == nil {
		t.Error("New accepted an invalid config")
	}
	topics := pipeline.DefaultTopics()
	topics.Ads = topics.Clickstream
	_, err = New(DefaultConfig(), topics, newFakeFiles(), nil, nil)
	if want := `ads.name: "clickstream" is also clickstream.name`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("New with ads archived from the clickstream = %v, want it to mention %s", err, want)
	}
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), newFakeFiles(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(t.Context(), "adshift.shifts", 0); err == nil {
		t.Error("Open accepted a topic the stage does not archive")
	}
	if got := s.Topics(); !slices.Equal(got, []string{"clickstream", "ads.ready", "ad.outcomes"}) {
		t.Errorf("Topics() = %v", got)
	}
}
