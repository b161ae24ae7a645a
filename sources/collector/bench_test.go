package collector

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/dataset"
)

// benchBatch is one request's worth of events: as a batch body, and as the records a tracker
// writing to Kafka itself would produce.
type benchBatch struct {
	body    []byte
	records []pipeline.Record
}

// benchBatches groups the REES46 sample's events into batches of size, as analytics-node sends
// them.
func benchBatches(b *testing.B, topic string, size int) []benchBatch {
	b.Helper()
	events, _, err := dataset.ReadAll(dataset.FormatREES46, "../../data/sample/rees46-sample.csv")
	if err != nil {
		b.Fatal(err)
	}
	var out []benchBatch
	for len(events) >= size {
		var bb benchBatch
		raws := make([]json.RawMessage, size)
		for i, ev := range events[:size] {
			raw, err := json.Marshal(ev)
			if err != nil {
				b.Fatal(err)
			}
			raws[i] = raw
			bb.records = append(bb.records, pipeline.Record{Topic: topic, Key: []byte(ev.User()), Value: raw, Timestamp: ev.Timestamp})
		}
		bb.body, _ = json.Marshal(map[string]any{"batch": raws, "sentAt": time.Now().UTC()})
		out = append(out, bb)
		events = events[size:]
	}
	return out
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCollectorVsDirect sends the same batches of 100 events to the embedded broker twice
// per iteration: produced straight to the clickstream topic (what a tracker writing to Kafka
// does), and posted to the collector over HTTP (which completes, checks and produces them). It
// reports the events each path handles per CPU-second of this process — broker, producer and,
// for the collector, the HTTP client included — and their ratio, collector/direct.
func BenchmarkCollectorVsDirect(b *testing.B) {
	rg := newBenchRig(b)
	batches := benchBatches(b, rg.topics.Clickstream, 100)
	client := &http.Client{}
	post := func(body []byte) {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodPost, rg.url+"/v1/batch", bytes.NewReader(body))
		req.SetBasicAuth(testKey, "")
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("collector answered %d", res.StatusCode)
		}
	}
	var direct, collected time.Duration
	var bytesIn int64
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		bb := batches[i%len(batches)]
		c0 := cpuTime(b)
		if err := rg.out.Emit(b.Context(), bb.records); err != nil {
			b.Fatal(err)
		}
		c1 := cpuTime(b)
		post(bb.body)
		collected += cpuTime(b) - c1
		direct += c1 - c0
		bytesIn += int64(len(bb.body))
		n++
	}
	events := float64(n * 100)
	b.SetBytes(bytesIn / int64(max(n, 1)))
	b.ReportMetric(events/direct.Seconds(), "direct-events/cpu-s")
	b.ReportMetric(events/collected.Seconds(), "collector-events/cpu-s")
	b.ReportMetric(direct.Seconds()/collected.Seconds(), "collector/direct")
}

// benchRig is the rig of newRig for a benchmark, with the producer in reach.
type benchRig struct {
	*rig
	out pipeline.Emitter
}

func newBenchRig(b *testing.B) benchRig {
	var out pipeline.Emitter
	rg := newRig(b, Config{}, func(p pipeline.Emitter) pipeline.Emitter { out = p; return p })
	return benchRig{rig: rg, out: out}
}
