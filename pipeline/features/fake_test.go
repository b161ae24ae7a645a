package features

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// fakeEmitter records every Emit call; Err, when set, fails them.
type fakeEmitter struct{ pipelinetest.Emitter }

// records returns everything emitted, acknowledged or not, in order.
func (f *fakeEmitter) records() []pipeline.Record {
	return slices.Concat(f.Calls...)
}

// shifts decodes the emitted records of the shifts topic.
func (f *fakeEmitter) shifts(t *testing.T) []schemas.Shift {
	t.Helper()
	var out []schemas.Shift
	for _, r := range f.records() {
		if r.Topic != pipeline.DefaultTopics().Shifts {
			continue
		}
		s, err := schemas.DecodeShift(r.Value)
		if err != nil {
			t.Fatalf("shift %q does not decode: %v", r.Value, err)
		}
		if string(r.Key) != s.User || !r.Timestamp.Equal(s.EventTime) {
			t.Fatalf("shift record key %q / timestamp %v disagree with its value %+v", r.Key, r.Timestamp, s)
		}
		out = append(out, s)
	}
	return out
}

// harness is one features stage with one open partition, a fake emitter and its own registry.
type harness struct {
	t    *testing.T
	out  *fakeEmitter
	reg  *prometheus.Registry
	proc pipeline.Processor
	next int64 // offset of the next input record
}

func newHarness(t *testing.T, cfg Config, opts ...Option) *harness {
	t.Helper()
	h := &harness{t: t, out: &fakeEmitter{}, reg: prometheus.NewPedanticRegistry()}
	s, err := New(cfg, pipeline.DefaultTopics(), h.out, nil, h.reg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	// Test data is from 2019; pin the wall clock so the future-skew bound does not depend on today.
	s.now = func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
	h.proc, err = s.Open(t.Context(), pipeline.DefaultTopics().Clickstream, 0)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return h
}

// process runs one batch of raw values and fails the test on error.
func (h *harness) process(values ...[]byte) {
	h.t.Helper()
	if err := h.proc.Process(h.t.Context(), h.batch(values...)); err != nil {
		h.t.Fatalf("Process: %v", err)
	}
}

func (h *harness) batch(values ...[]byte) []pipeline.Record {
	batch := make([]pipeline.Record, len(values))
	for i, v := range values {
		batch[i] = pipeline.Record{Topic: "clickstream", Partition: 0, Offset: h.next, Value: v}
		h.next++
	}
	return batch
}

// counter returns the value of the counter name{label=value} in the harness' registry.
func (h *harness) counter(name, label, value string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if hasLabel(m, label, value) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// gauge returns the value of the unlabelled gauge or counter name in the harness' registry.
func (h *harness) gauge(name string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			m := mf.GetMetric()[0]
			return m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return 0
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// t0 is when test shoppers start shopping.
var t0 = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

// track returns the wire bytes of a track call by user at t0+at.
func track(user, name string, at time.Duration, p schemas.Properties) []byte {
	b, err := json.Marshal(schemas.Event{
		Type:       "track",
		Event:      name,
		UserID:     user,
		MessageID:  user + "/" + name + "/" + at.String(),
		Timestamp:  t0.Add(at),
		Properties: p,
	})
	if err != nil {
		panic(err)
	}
	return b
}

// view returns a Product Viewed of a product in category by user at t0+at.
func view(user string, at time.Duration, category string) []byte {
	return track(user, schemas.ProductViewed, at, schemas.Properties{ProductID: "p-" + category, Category: category})
}

// add returns a Product Added of a product in category by user at t0+at.
func add(user string, at time.Duration, category string) []byte {
	return track(user, schemas.ProductAdded, at, schemas.Properties{ProductID: "p-" + category, Category: category})
}

const (
	first    = schemas.ReasonFirstProfile
	escalate = schemas.ReasonIntentEscalation
	newInt   = schemas.ReasonNewInterest
)

// views returns views by u of category at each of the given minutes.
func views(u, category string, minutes ...int) [][]byte {
	out := make([][]byte, len(minutes))
	for i, m := range minutes {
		out[i] = view(u, time.Duration(m)*time.Minute, category)
	}
	return out
}

// topics returns the topics of recs, in order.
func topics(recs []pipeline.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Topic
	}
	return out
}

// outputs returns what was emitted to topics other than the changelog.
func (f *fakeEmitter) outputs() []pipeline.Record {
	var out []pipeline.Record
	for _, r := range f.records() {
		if r.Topic != pipeline.DefaultTopics().Profiles {
			out = append(out, r)
		}
	}
	return out
}
