package collector

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/adshift/adshift/pipeline"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
)

func TestServerServesUntilCancelled(t *testing.T) {
	topics := pipeline.DefaultTopics()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, topics.Clickstream, topics.DLQ))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: c.ListenAddrs()}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.WithoutCancel(t.Context()))
	cfg := Config{Addr: "127.0.0.1:0", WriteKeys: []string{testKey}}
	srv, err := NewServer(cfg, topics, p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewServer(Config{Addr: srv.Addr(), WriteKeys: []string{testKey}}, topics, p, nil, nil); err == nil || !strings.Contains(err.Error(), srv.Addr()) {
		t.Errorf("a second server on %s: %v, want a listen error naming the address", srv.Addr(), err)
	}
	if _, err := NewServer(Config{Addr: "127.0.0.1:0"}, topics, p, nil, nil); err == nil || !strings.Contains(err.Error(), "write_keys") {
		t.Errorf("a server without write keys: %v, want it refused", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	rg := &rig{url: "http://" + srv.Addr()}
	if res := rg.post(t, "/v1/track", testKey, []byte(viewed), false); res.status != http.StatusOK {
		t.Fatalf("POST /v1/track = %d %+v", res.status, res.body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return once cancelled")
	}
	http.DefaultClient.CloseIdleConnections()
}
