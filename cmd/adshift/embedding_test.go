package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/config"
)

// embeddingServer is an OpenAI-compatible POST /v1/embeddings answering every text with a
// vector of its length, counting requests.
func embeddingServer(t *testing.T) (*httptest.Server, func() int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string `json:"input"`
		}
		if r.URL.Path != "/v1/embeddings" || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		n++
		mu.Unlock()
		data := []map[string]any{}
		for i, s := range req.Input {
			data = append(data, map[string]any{"index": i, "embedding": []float32{float32(len(s)), 1}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data, "usage": map[string]int{"prompt_tokens": 1, "total_tokens": 1}})
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

func TestClosenessIsOffWithoutAnEmbeddingModel(t *testing.T) {
	a := &app{cfg: config.Default(), log: newLogger(testWriter{t}, config.Log{Level: "warn"}), reg: prometheus.NewRegistry()}
	c, stop, err := a.closeness(context.Background(), nil, nil)
	if err != nil || c != nil {
		t.Fatalf("closeness with no embedding model: %v, %v; want none", c, err)
	}
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestClosenessEmbedsTheCatalogueOnceAcrossRestarts(t *testing.T) {
	srv, requests := embeddingServer(t)
	cfg := config.Default()
	cfg.Catalog.Path = "../../data/sample/rees46-sample.csv"
	cfg.LLM.Provider, cfg.LLM.BaseURL, cfg.LLM.Model = "openai", srv.URL+"/v1", "test-model"
	cfg.LLM.EmbeddingModel, cfg.LLM.EmbeddingBatch, cfg.LLM.EmbeddingCache = "embed-test", 50, t.TempDir()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	a := &app{cfg: cfg, log: newLogger(&logs, config.Log{Level: "info"}), reg: prometheus.NewRegistry()}
	products, err := a.catalogProducts()
	if err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		a.reg = prometheus.NewRegistry()
		before := requests()
		c, stop, err := a.closeness(context.Background(), products, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c == nil {
			t.Fatal("no closeness with an embedding model")
		}
		want := (len(products) + 49) / 50
		if run == 1 {
			want = 0 // the cache answers
		}
		if got := requests() - before; got != want {
			t.Errorf("start %d: %d embedding requests for %d products in batches of 50, want %d", run+1, got, len(products), want)
		}
		if err := stop(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(logs.String(), "catalogue embedded") {
		t.Errorf("no summary of the catalogue's embedding in the log:\n%s", logs.String())
	}
}
