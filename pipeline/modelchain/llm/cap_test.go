package llm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// hugeAnswerServer answers every chat completion on the OpenAI wire format with an answer of
// size bytes, written in chunks as a misbehaving server streams it (with a Content-Length when
// announce is set), and counts the bytes it managed to send.
func hugeAnswerServer(t *testing.T, size int, announce bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var sent atomic.Int64
	head := `{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"test-model","choices":[{"index":0,"finish_reason":"length","message":{"role":"assistant","content":"`
	tail := `"}}],"usage":{"prompt_tokens":50,"completion_tokens":2100000,"total_tokens":2100050}}`
	chunk := []byte(strings.Repeat("best deal ever ", 4096))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if announce {
			w.Header().Set("Content-Length", strconv.Itoa(len(head)+size+len(tail)))
		}
		n, _ := w.Write([]byte(head))
		sent.Add(int64(n))
		for left := size; left > 0; left -= len(chunk) {
			n, err := w.Write(chunk[:min(len(chunk), left)])
			sent.Add(int64(n))
			if err != nil {
				return // the client hung up: reading stopped
			}
		}
		n, _ = w.Write([]byte(tail))
		sent.Add(int64(n))
	}))
	t.Cleanup(srv.Close)
	return srv, &sent
}

// A server answering 32 MB is read no further than llm.max_answer_bytes: the answer is rejected
// as over the cap, what adshift allocated stays a small fraction of the answer, and the server
// could not deliver it all.
func TestAnswerBytesCapStopsReading(t *testing.T) {
	const size = 32 << 20
	for _, announce := range []bool{false, true} {
		t.Run("content-length="+strconv.FormatBool(announce), func(t *testing.T) {
			srv, sent := hugeAnswerServer(t, size, announce)
			m := mustModel(t, testConfig(ProviderOpenAI, srv.URL+"/v1"))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := m.Complete(context.Background(), testPrompt)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, modelchain.ErrAnswerTooLarge) {
				t.Fatalf("err = %v, want ErrAnswerTooLarge", err)
			}
			srv.CloseClientConnections()
			srv.Close() // waits for the handler
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("allocated %d bytes reading a %d-byte answer capped at %d", alloc, size, 64<<10)
			}
			if sent.Load() >= size {
				t.Errorf("the server sent all %d bytes: reading did not stop at the cap", sent.Load())
			}
		})
	}
}

// Through the chain, an oversized answer costs one request and the template writes the ad.
func TestOversizedAnswerFallsBackToTheTemplate(t *testing.T) {
	srv, _ := hugeAnswerServer(t, 8<<20, false)
	gen := chainFor(t, testConfig(ProviderOpenAI, srv.URL+"/v1"), modelchain.LimitConfig{MaxTokens: 300})
	p := schemas.Product{ID: "p1", Title: "Sony WH-1000XM4", Brand: "Sony", Category: "electronics.audio.headphone", Price: 348, Currency: "USD"}
	c, info, err := gen.Generate(context.Background(), creative.Request{Shift: schemas.Shift{User: "u1"}, Product: p, Arm: strategy.ArmValue, Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if info.Verdict != schemas.VerdictFallback || info.Kind != schemas.GeneratorTemplate || info.ModelCalls != 1 {
		t.Errorf("info = %+v, want a template fallback after one call", info)
	}
	if strings.Contains(c.Body, "best deal") {
		t.Errorf("published the oversized answer: %+v", c)
	}
}

// An answer the server reports (or that reads) longer than max_tokens is rejected by adshift,
// even when the server ignored the bound it was asked for.
func TestCompletionTokensCappedByTheWriter(t *testing.T) {
	long := `{"headline":"Sony WH-1000XM4","body":"` + strings.Repeat("Quiet ", 150) + `","cta":"Shop now"}`
	for name, rep := range map[string]reply{
		"reported":  {text: `{"headline":"Sony WH-1000XM4","body":"Sony, $348.","cta":"Shop now"}`, completion: 5000},
		"estimated": {text: long},
	} {
		t.Run(name, func(t *testing.T) {
			srv := newOpenAIServer(t, rep)
			cfg := testConfig(ProviderOpenAI, srv.URL+"/v1")
			cfg.MaxTokens = 100
			m := mustModel(t, cfg)
			w := modelchain.NewWriter(m, m.Name(), creative.EmbeddedPrompts(), creative.Guard{}, cfg.MaxTokens)
			p := schemas.Product{ID: "p1", Title: "Sony WH-1000XM4", Brand: "Sony", Category: "electronics.audio.headphone", Price: 348, Currency: "USD"}
			_, err := w.Write(context.Background(), creative.Request{Product: p, Arm: strategy.ArmValue, Locale: "en"})
			if !errors.Is(err, modelchain.ErrAnswerTooLarge) {
				t.Errorf("err = %v, want ErrAnswerTooLarge", err)
			}
		})
	}
}
