package llm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// reply is one scripted answer of a test server: a status, the model's text, usage, and
// headers. A reply with hold set waits until the request is abandoned by the client.
type reply struct {
	status     int
	text       string
	raw        string // sent as the body as is, instead of a well-formed answer
	prompt     int
	completion int
	header     map[string]string
	hold       bool
}

// server is a language-model API on the real wire format of one provider, answering with a
// script and recording every request body.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	script   []reply // consumed in order; the last one repeats
	requests []map[string]any
	headers  []http.Header
}

func (s *server) next(r *http.Request) (reply, map[string]any) {
	body, _ := io.ReadAll(r.Body)
	var req map[string]any
	_ = json.Unmarshal(body, &req)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	s.headers = append(s.headers, r.Header.Clone())
	rep := s.script[0]
	if len(s.script) > 1 {
		s.script = s.script[1:]
	}
	return rep, req
}

// Requests returns the request bodies received so far.
func (s *server) Requests() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.requests...)
}

func (s *server) respond(w http.ResponseWriter, r *http.Request, rep reply, body func() any) {
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if rep.hold {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	switch {
	case rep.raw != "":
		io.WriteString(w, rep.raw)
	case status != http.StatusOK:
		fmt.Fprintf(w, `{"error":{"message":"scripted failure %d","type":"server_error"}}`, status)
	default:
		_ = json.NewEncoder(w).Encode(body())
	}
}

// newServer serves POST path, answering each request with handle and the script's next reply.
func newServer(t *testing.T, path string, script []reply, handle func(s *server, w http.ResponseWriter, r *http.Request, rep reply, req map[string]any)) *server {
	t.Helper()
	s := &server{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != path {
			http.Error(w, "not found: "+r.URL.Path, http.StatusNotFound)
			return
		}
		rep, req := s.next(r)
		handle(s, w, r, rep, req)
	}))
	t.Cleanup(s.Close)
	return s
}

// newOpenAIServer speaks OpenAI's POST /v1/chat/completions, as vLLM, Ollama /v1, DeepSeek and
// Qwen endpoints do.
func newOpenAIServer(t *testing.T, script ...reply) *server {
	return newServer(t, "/v1/chat/completions", script, func(s *server, w http.ResponseWriter, r *http.Request, rep reply, req map[string]any) {
		s.respond(w, r, rep, func() any {
			return map[string]any{
				"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": req["model"],
				"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
					"message": map[string]any{"role": "assistant", "content": rep.text}}},
				"usage": map[string]any{"prompt_tokens": rep.prompt, "completion_tokens": rep.completion,
					"total_tokens": rep.prompt + rep.completion},
			}
		})
	})
}

// newOllamaServer speaks Ollama's native POST /api/chat. Like Ollama, it streams newline-
// delimited chunks unless the request says "stream": false, the last chunk carrying done and the
// token counts.
func newOllamaServer(t *testing.T, script ...reply) *server {
	return newServer(t, "/api/chat", script, func(s *server, w http.ResponseWriter, r *http.Request, rep reply, req map[string]any) {
		final := func(content string) map[string]any {
			return map[string]any{
				"model": req["model"], "created_at": "2024-01-01T00:00:00Z",
				"message": map[string]any{"role": "assistant", "content": content},
				"done":    true, "done_reason": "stop",
				"prompt_eval_count": rep.prompt, "eval_count": rep.completion,
			}
		}
		if stream, ok := req["stream"].(bool); (ok && !stream) || rep.status != 0 || rep.raw != "" || rep.hold {
			s.respond(w, r, rep, func() any { return final(rep.text) })
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		half := len(rep.text) / 2
		_ = enc.Encode(map[string]any{"model": req["model"], "message": map[string]any{"role": "assistant", "content": rep.text[:half]}, "done": false})
		_ = enc.Encode(map[string]any{"model": req["model"], "message": map[string]any{"role": "assistant", "content": rep.text[half:]}, "done": false})
		_ = enc.Encode(final(""))
	})
}

// newAnthropicServer speaks Anthropic's POST /v1/messages.
func newAnthropicServer(t *testing.T, script ...reply) *server {
	return newServer(t, "/v1/messages", script, func(s *server, w http.ResponseWriter, r *http.Request, rep reply, req map[string]any) {
		s.respond(w, r, rep, func() any {
			return map[string]any{
				"id": "msg_1", "type": "message", "role": "assistant", "model": req["model"],
				"content":     []any{map[string]any{"type": "text", "text": rep.text}},
				"stop_reason": "end_turn",
				"usage":       map[string]any{"input_tokens": rep.prompt, "output_tokens": rep.completion},
			}
		})
	})
}

// userMessage returns the text of the user message of an OpenAI or Ollama request body.
func userMessage(t *testing.T, req map[string]any) string {
	t.Helper()
	msgs, _ := req["messages"].([]any)
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		if mm["role"] == "user" {
			switch c := mm["content"].(type) {
			case string:
				return c
			case []any:
				var b strings.Builder
				for _, part := range c {
					if p, ok := part.(map[string]any); ok {
						b.WriteString(fmt.Sprint(p["text"]))
					}
				}
				return b.String()
			}
		}
	}
	t.Fatalf("no user message in %v", req)
	return ""
}
