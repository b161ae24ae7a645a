package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
	"github.com/adshift/adshift/sources/kafka"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// latencyRate is the clickstream rate the latency benchmark offers, events per second.
const latencyRate = 10000

// BenchmarkAdLatency offers real REES46 events, stamped with the time they are produced, at
// latencyRate to `adshift run --stages=rekey,features,creatives` on an embedded broker with the
// template generator, and measures each ad's latency from its event's produce time (the
// adshift.event_time header the ad carries) to its arrival at a consumer of ads.ready: p50 and
// p99, beside the floor of the same path with no stage (produce → consume of the clickstream
// itself) measured in the same run, and the rate actually sustained. Each iteration offers
// latencyWindow of events after a second of warm-up.
func BenchmarkAdLatency(b *testing.B) {
	events := latencyEvents(b)
	a, brokers := latencyApp(b)

	// The floor: the same producer and consumer on a topic no stage reads.
	floor := measureLatency(b, brokers, "latency.floor", events, 0, "latency.floor")["latency.floor"]

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, []string{"rekey", "features", "creatives"}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("adshift run: %v", err)
		}
	}()
	waitReady(b, a, done)

	var ads, shifts latencies
	lap := 1
	for b.Loop() {
		got := measureLatency(b, brokers, a.cfg.Topics.Clickstream.Name, events, lap, a.cfg.Topics.Shifts.Name, a.cfg.Topics.Ads.Name)
		shifts.add(got[a.cfg.Topics.Shifts.Name])
		ads.add(got[a.cfg.Topics.Ads.Name])
		lap += 2
	}
	b.ReportMetric(ads.quantile(0.50), "ad-p50-ms")
	b.ReportMetric(ads.quantile(0.99), "ad-p99-ms")
	// The features stage's part: event → shift on adshift.shifts.
	b.ReportMetric(shifts.quantile(0.50), "shift-p50-ms")
	b.ReportMetric(shifts.quantile(0.99), "shift-p99-ms")
	b.ReportMetric(floor.quantile(0.50), "floor-p50-ms")
	b.ReportMetric(floor.quantile(0.99), "floor-p99-ms")
	b.ReportMetric(ads.rate(), "sustained-events/s")
	b.ReportMetric(float64(len(ads.ms))/float64(b.N), "ads/op")
}

const latencyWindow = 5 * time.Second

// latencies are observed latencies in milliseconds, and the events offered and how long that took.
type latencies struct {
	ms      []float64
	offered int
	took    time.Duration
}

func (l *latencies) add(o latencies) {
	l.ms = append(l.ms, o.ms...)
	l.offered += o.offered
	l.took += o.took
}

func (l *latencies) quantile(q float64) float64 {
	if len(l.ms) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(l.ms))
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func (l *latencies) rate() float64 { return float64(l.offered) / l.took.Seconds() }

// latencyEvents are the real REES46 events, parsed once.
func latencyEvents(b *testing.B) []schemas.Event {
	b.Helper()
	r, err := dataset.Open(dataset.FormatREES46, "../../../shared/data/rees46/2019-Oct_head17434.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var evs []schemas.Event
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return evs
		}
		if err != nil {
			b.Fatal(err)
		}
		evs = append(evs, ev)
	}
}

// latencyApp is an app on an embedded broker with the template generator and a uniform
// chooser: nothing outside the process.
func latencyApp(b *testing.B) (*app, []string) {
	b.Helper()
	cfg := config.Default()
	cfg.HTTP.Addr = freeBenchAddr(b)
	cfg.Catalog.Path = "../../data/sample/rees46-sample.csv"
	cfg.Creatives.Strategy.Policy = "uniform"
	cfg.LLM.Provider = ""
	if err := cfg.Validate(); err != nil {
		b.Fatal(err)
	}
	specs := append(topicSpecs(cfg.Topics), kafka.TopicSpec{Name: "latency.floor", Partitions: cfg.Topics.Clickstream.Partitions})
	broker, err := kafka.StartEmbedded(b.Context(), "127.0.0.1:0", specs, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(broker.Close)
	cfg.Kafka.Brokers, cfg.Kafka.CreateTopics = broker.Addrs(), false
	return &app{cfg: cfg, log: slog.New(slog.DiscardHandler), reg: prometheus.NewRegistry()}, broker.Addrs()
}

func freeBenchAddr(b *testing.B) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady waits until /readyz says every stage owns its partitions.
func waitReady(b *testing.B, a *app, done <-chan error) {
	b.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + a.cfg.HTTP.Addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-done:
			b.Fatalf("adshift run exited: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	b.Fatal("adshift run not ready within 60s")
}

// measureLatency offers a second of warm-up and then latencyWindow of events to topic at
// latencyRate, each stamped with its produce time and, for lap, its own shoppers and ids, and
// returns, per topic of outs, the latency of every record read whose event was produced in the
// window.
func measureLatency(b *testing.B, brokers []string, topic string, events []schemas.Event, lap int, outs ...string) map[string]latencies {
	b.Helper()
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	cons, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(outs...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()), kgo.FetchMaxWait(50*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	defer cons.Close()
	prod, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ProducerLinger(time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	defer prod.Close()

	var mu sync.Mutex
	got := map[string][]float64{}
	var from time.Time // events produced from then on are measured
	read := make(chan struct{})
	// The consumer must have its end offsets before the first event, or it would skip them.
	cons.ForceMetadataRefresh()
	go func() {
		defer close(read)
		for {
			fs := cons.PollFetches(ctx)
			if ctx.Err() != nil {
				return
			}
			now := time.Now()
			mu.Lock()
			fs.EachRecord(func(r *kgo.Record) {
				if t := franz.EventTime(r); !from.IsZero() && !t.Before(from) {
					got[r.Topic] = append(got[r.Topic], float64(now.Sub(t).Microseconds())/1000)
				}
			})
			mu.Unlock()
		}
	}()
	time.Sleep(500 * time.Millisecond) // the consumer's first fetch is positioned at the end

	offer := func(d time.Duration, lap int) (int, time.Duration) {
		const tick = 5 * time.Millisecond
		start, n := time.Now(), 0
		for next := start; time.Since(start) < d; next = next.Add(tick) {
			time.Sleep(time.Until(next))
			due := int(time.Since(start).Seconds()*latencyRate) - n
			for range due {
				ev := events[n%len(events)]
				ev.UserID = fmt.Sprintf("%s-%d-%d", ev.UserID, lap, n/len(events))
				ev.MessageID = fmt.Sprintf("%s-%d-%d", ev.MessageID, lap, n/len(events))
				ev.Timestamp = time.Now().UTC()
				v, err := json.Marshal(ev)
				if err != nil {
					b.Fatal(err)
				}
				prod.Produce(ctx, &kgo.Record{Topic: topic, Key: []byte(ev.User()), Value: v,
					Headers: []kgo.RecordHeader{franz.EventTimeHeader(ev.Timestamp)}}, nil)
				n++
			}
		}
		return n, time.Since(start)
	}
	offer(time.Second, lap+1) // warm-up: groups settled, buffers grown
	mu.Lock()
	from = time.Now()
	mu.Unlock()
	n, took := offer(latencyWindow, lap)
	if err := prod.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	time.Sleep(2 * time.Second) // the last ads arrive; no signal says "no more ads will come"
	cancel()
	<-read
	mu.Lock()
	defer mu.Unlock()
	res := map[string]latencies{}
	for _, out := range outs {
		if len(got[out]) == 0 {
			b.Fatalf("nothing arrived on %s", out)
		}
		res[out] = latencies{ms: got[out], offered: n, took: took}
	}
	return res
}
