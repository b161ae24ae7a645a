package collector

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/goleak"

	"github.com/adshift/adshift/pipeline"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testKey = "wk_test_1"

// rig is a collector in front of an embedded broker, served over HTTP.
type rig struct {
	addrs  []string
	url    string
	h      *Handler
	reg    *prometheus.Registry
	topics pipeline.Topics

	gzipped atomic.Int32 // requests that came gzipped
}

// newRig starts a broker with the clickstream and dead-letter topics, a producer on it, and a
// collector with cfg (its write keys defaulting to testKey) wrapping the producer in wrap, when
// given.
func newRig(t testing.TB, cfg Config, wrap func(pipeline.Emitter) pipeline.Emitter) *rig {
	t.Helper()
	topics := pipeline.DefaultTopics()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, topics.Clickstream, topics.DLQ))
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	p, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: c.ListenAddrs()}, nil, nil)
	if err != nil {
		t.Fatalf("producer: %v", err)
	}
	t.Cleanup(func() { _ = p.Close(context.WithoutCancel(t.Context())) })
	var out pipeline.Emitter = p
	if wrap != nil {
		out = wrap(p)
	}
	if cfg.WriteKeys == nil {
		cfg.WriteKeys = []string{testKey}
	}
	reg := prometheus.NewRegistry()
	h, err := New(cfg, topics, out, nil, reg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	rg := &rig{addrs: c.ListenAddrs(), h: h, reg: reg, topics: topics}
	rg.url = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Encoding") == "gzip" {
			rg.gzipped.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	return rg
}

// serve serves h on a loopback port until the test ends and returns its URL.
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// response is an answer of the collector.
type response struct {
	status int
	header http.Header
	body   reply
}

// post sends body to path with the write key as HTTP Basic username ("" sends none), gzipped
// when zip is set.
func (rg *rig) post(t *testing.T, path, key string, body []byte, zip bool) response {
	t.Helper()
	if zip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(body)
		zw.Close()
		body = buf.Bytes()
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, rg.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if zip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var rp reply
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &rp); err != nil {
			t.Fatalf("%s %s: answer %d is not JSON: %q", req.Method, req.URL.Path, res.StatusCode, raw)
		}
	}
	return response{status: res.StatusCode, header: res.Header, body: rp}
}

// consume reads n records from topic, from the start, then checks for a moment that no more
// arrive.
func (rg *rig) consume(t *testing.T, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(rg.addrs...), kgo.ConsumeTopics(topic), kgo.FetchMaxWait(200*time.Millisecond))
	if err != nil {
		t.Fatalf("consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records from %s: %v", len(out), n, topic, err)
		}
		out = append(out, fetches.Records()...)
	}
	more, cancelMore := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancelMore()
	if extra := cl.PollFetches(more).Records(); len(extra) > 0 {
		t.Fatalf("%s holds %d records, want %d", topic, len(out)+len(extra), n)
	}
	return out
}

// header returns the value of r's header key.
func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// fields decodes a record's value as a JSON object.
func fields(t *testing.T, r *kgo.Record) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Value, &m); err != nil {
		t.Fatalf("record on %s is not a JSON object: %v: %s", r.Topic, err, r.Value)
	}
	return m
}

// counter returns the value of the counter name whose labels include labels (name, value, …)
// as /metrics would show it.
func (rg *rig) counter(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := rg.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue metric
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}
