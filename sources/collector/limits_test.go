package collector

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
)

// padded returns a track call of about n bytes.
func padded(id string, n int) string {
	return fmt.Sprintf(`{"type":"track","userId":"u","messageId":%q,"event":"Order Completed","timestamp":"2026-11-30T10:00:00Z","properties":{"order_id":"o","note":%q}}`,
		id, strings.Repeat("x", n))
}

func TestSizeLimitsAre413(t *testing.T) {
	rg := newRig(t, Config{}, nil)
	if res := rg.post(t, "/v1/track", testKey, []byte(padded("big", 33<<10)), false); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 33 KB track call = %d %+v, want 413", res.status, res.body)
	}
	var events []string
	for i := range 17 {
		events = append(events, padded(fmt.Sprint("e", i), 30<<10))
	}
	huge := `{"batch":[` + strings.Join(events, ",") + `]}`
	if res := rg.post(t, "/v1/batch", testKey, []byte(huge), true); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a %d KB batch, gzipped = %d %+v, want 413", len(huge)>>10, res.status, res.body)
	}
	// One event over 32 KB in a batch under 500 KB: it is dead-lettered as too_large, the others
	// are accepted, and the answer says 413.
	mixed := `{"batch":[` + padded("ok1", 100) + "," + padded("toobig", 40<<10) + "," + padded("ok2", 100) + `]}`
	res := rg.post(t, "/v1/batch", testKey, []byte(mixed), false)
	if res.status != http.StatusRequestEntityTooLarge || len(res.body.Errors) != 1 || res.body.Errors[0].Index != 1 {
		t.Fatalf("batch with one 40 KB event = %d %+v, want 413 naming index 1", res.status, res.body)
	}
	rg.consume(t, rg.topics.Clickstream, 2)
	dl := rg.consume(t, rg.topics.DLQ, 1)[0]
	if header(dl, schemas.HeaderFailure) != string(schemas.TooLarge) || len(dl.Value) < 40<<10 {
		t.Fatalf("dead letter %v (%d bytes), want too_large with the event's bytes", dl.Headers, len(dl.Value))
	}
}

func TestCORSPreflightAndUnknownPaths(t *testing.T) {
	rg := newRig(t, Config{CORSOrigins: []string{"https://shop.example"}}, nil)
	pre := func(origin string) response {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, rg.url+"/v1/t", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		return do(t, req)
	}
	res := pre("https://shop.example")
	if res.status != http.StatusNoContent || res.header.Get("Access-Control-Allow-Origin") != "https://shop.example" ||
		!strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight from an allowed origin = %d %v", res.status, res.header)
	}
	if res := pre("https://evil.example"); res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin allowed: %v", res.header)
	}
	if res := rg.post(t, "/v2/track", testKey, []byte(viewed), false); res.status != http.StatusNotFound {
		t.Errorf("POST /v2/track = %d, want 404", res.status)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, rg.url+"/v1/track", nil)
	if res := do(t, req); res.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/track = %d, want 405", res.status)
	}
}

// gate holds every Emit until it is opened, to keep requests in flight.
type gate struct {
	next    pipeline.Emitter
	open    chan struct{}
	entered chan struct{}
}

func (g *gate) Emit(ctx context.Context, recs []pipeline.Record) error {
	g.entered <- struct{}{}
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.next.Emit(ctx, recs)
}

func TestBackpressureIs503WithRetryAfter(t *testing.T) {
	g := &gate{open: make(chan struct{}), entered: make(chan struct{}, 2)}
	rg := newRig(t, Config{MaxInFlight: 2, RetryAfter: 3 * time.Second}, func(p pipeline.Emitter) pipeline.Emitter {
		g.next = p
		return g
	})
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = rg.post(t, "/v1/track", testKey, []byte(viewed), false).status
		}()
	}
	<-g.entered
	<-g.entered
	res := rg.post(t, "/v1/track", testKey, []byte(viewed), false)
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") != "3" {
		t.Errorf("third request while two are in flight = %d Retry-After %q, want 503 and 3", res.status, res.header.Get("Retry-After"))
	}
	close(g.open)
	wg.Wait()
	if codes[0] != http.StatusOK || codes[1] != http.StatusOK {
		t.Fatalf("requests in flight answered %v, want 200s once acknowledged", codes)
	}
	rg.consume(t, rg.topics.Clickstream, 2)
}

func TestUnacknowledgedIs503(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "clickstream", "clickstream.dlq"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: c.ListenAddrs()}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close() // the broker is gone: nothing can be acknowledged
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	h, err := New(Config{WriteKeys: []string{testKey}, AckTimeout: 300 * time.Millisecond}, pipeline.DefaultTopics(), p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rg := &rig{url: serve(t, h)}
	res := rg.post(t, "/v1/track", testKey, []byte(viewed), false)
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") != "1" || res.body.Success {
		t.Fatalf("with the broker down = %d %v %+v, want 503 with Retry-After", res.status, res.header, res.body)
	}
}
