package llm

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// concepts is the fake embedding model: a text's vector counts, per concept, the keywords of
// that concept it contains, in English or Chinese, plus a little weight on a last axis every
// text shares. So "Hair Care" and "洗发护发" point the same way, "coffee" elsewhere.
var concepts = [][]string{
	{"hair", "shampoo", "洗发", "护发"},
	{"coffee", "espresso", "咖啡"},
	{"phone", "smartphone", "手机"},
	{"beauty", "hygiene", "美妆", "个护"},
}

func fakeVector(text string) []float32 {
	t := strings.ToLower(text)
	v := make([]float32, len(concepts)+1)
	for i, words := range concepts {
		for _, w := range words {
			v[i] += float32(strings.Count(t, w))
		}
	}
	v[len(concepts)] = 0.1
	return v
}

// embedServer is an embedding API on one provider's wire format, recording every request's
// inputs; while failing is set it answers 500.
type embedServer struct {
	*httptest.Server
	mu      sync.Mutex
	inputs  [][]string // per request
	models  []string
	failing atomic.Bool
}

// Requests returns the inputs of each request received so far.
func (s *embedServer) Requests() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]string(nil), s.inputs...)
}

func (s *embedServer) record(model string, in []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inputs = append(s.inputs, in)
	s.models = append(s.models, model)
}

func newEmbedServer(t *testing.T, path string, answer func(req map[string]any) (any, []string)) *embedServer {
	t.Helper()
	s := &embedServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != path {
			http.Error(w, "not found: "+r.URL.Path, http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var req map[string]any
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, inputs := answer(req)
		model, _ := req["model"].(string)
		s.record(model, inputs)
		w.Header().Set("Content-Type", "application/json")
		if s.failing.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"error":{"message":"scripted outage","type":"server_error"}}`)
			return
		}
		_ = json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(s.Close)
	return s
}

// newOpenAIEmbedServer speaks POST /v1/embeddings: {"model","input":[...]} →
// {"data":[{"embedding":[...],"index":i}],"usage":{...}}.
func newOpenAIEmbedServer(t *testing.T) *embedServer {
	return newEmbedServer(t, "/v1/embeddings", func(req map[string]any) (any, []string) {
		var inputs []string
		raw, _ := req["input"].([]any)
		data := []any{}
		for i, in := range raw {
			s, _ := in.(string)
			inputs = append(inputs, s)
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": fakeVector(s)})
		}
		return map[string]any{"object": "list", "data": data, "model": req["model"],
			"usage": map[string]any{"prompt_tokens": 3 * len(inputs), "total_tokens": 3 * len(inputs)}}, inputs
	})
}

// newOllamaEmbedServer speaks Ollama's POST /api/embed: {"model","input"} (a string or an
// array) → {"model","embeddings":[[...]]}.
func newOllamaEmbedServer(t *testing.T) *embedServer {
	return newEmbedServer(t, "/api/embed", func(req map[string]any) (any, []string) {
		var inputs []string
		switch in := req["input"].(type) {
		case string:
			inputs = []string{in}
		case []any:
			for _, x := range in {
				s, _ := x.(string)
				inputs = append(inputs, s)
			}
		}
		vecs := [][]float32{}
		for _, s := range inputs {
			vecs = append(vecs, fakeVector(s))
		}
		return map[string]any{"model": req["model"], "embeddings": vecs}, inputs
	})
}
