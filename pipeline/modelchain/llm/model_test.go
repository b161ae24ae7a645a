package llm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/schemas"
)

const goodCopy = `{"headline":"Sony WH-1000XM4, quiet at last","body":"Wireless noise cancelling from Sony for $348.","cta":"Shop now"}`

var headphones = schemas.Product{ID: "h1", Title: "Sony WH-1000XM4 Wireless Headphones", Brand: "Sony",
	Category: "electronics.audio.headphone", Price: 348, ListPrice: 400, Currency: "USD"}

func testConfig(provider, base string) Config {
	return Config{Provider: provider, BaseURL: base, Model: "test-model", APIKey: "k-test", Temperature: 0.4,
		MaxTokens: 300, MaxAnswerBytes: 64 << 10, Timeout: 10 * time.Second, JSONMode: true}
}

func mustModel(t *testing.T, cfg Config) *Model {
	t.Helper()
	m, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var testPrompt = creative.Prompt{System: "You write ads.", User: "Write one.", Version: "t"}

func TestOpenAIWireFormatAndUsage(t *testing.T) {
	srv := newOpenAIServer(t, reply{text: goodCopy, prompt: 412, completion: 37})
	m := mustModel(t, testConfig(ProviderOpenAI, srv.URL+"/v1"))
	c, err := m.Complete(context.Background(), testPrompt)
	if err != nil {
		t.Fatal(err)
	}
	if c.Text != goodCopy || c.PromptTokens != 412 || c.CompletionTokens != 37 || c.Requests != 1 || c.Model != "test-model" {
		t.Fatalf("completion %+v", c)
	}
	req := srv.Requests()[0]
	if req["model"] != "test-model" || req["temperature"] != 0.4 || req["max_completion_tokens"] != 300.0 {
		t.Errorf("request %v: want model, temperature 0.4 and max_completion_tokens 300", req)
	}
	if _, legacy := req["max_tokens"]; legacy {
		t.Errorf("request sends the legacy max_tokens by default: %v", req)
	}
	if rf, _ := req["response_format"].(map[string]any); rf["type"] != "json_object" {
		t.Errorf("json mode: response_format = %v", req["response_format"])
	}
	msgs, _ := req["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["role"] != "system" || !strings.Contains(userMessage(t, req), "Write one.") {
		t.Errorf("messages %v, want system then user", msgs)
	}
	if got := srv.headers[0].Get("Authorization"); got != "Bearer k-test" {
		t.Errorf("Authorization = %q", got)
	}
}

func TestOpenAILegacyMaxTokensAndNoKey(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "from-the-environment")
	srv := newOpenAIServer(t, reply{text: goodCopy})
	cfg := testConfig(ProviderOpenAI, srv.URL+"/v1")
	cfg.LegacyMaxTokens, cfg.APIKey, cfg.JSONMode = true, "", false
	if _, err := mustModel(t, cfg).Complete(context.Background(), testPrompt); err != nil {
		t.Fatal(err)
	}
	req := srv.Requests()[0]
	if req["max_tokens"] != 300.0 {
		t.Errorf("legacy max_tokens = %v", req["max_tokens"])
	}
	if _, modern := req["max_completion_tokens"]; modern {
		t.Errorf("legacy request also sends max_completion_tokens: %v", req)
	}
	if _, ok := req["response_format"]; ok {
		t.Errorf("json mode off still sends response_format")
	}
	// A keyless endpoint (vLLM, Ollama /v1) never receives the key from the environment.
	if got := srv.headers[0].Get("Authorization"); strings.Contains(got, "from-the-environment") {
		t.Errorf("Authorization %q leaks OPENAI_API_KEY", got)
	}
}

// Gemini is configured as its own provider and spoken to through its OpenAI-compatible endpoint:
// the key as a bearer token, JSON mode, usage read back.
func TestGeminiThroughItsOpenAICompatibleEndpoint(t *testing.T) {
	srv := newOpenAIServer(t, reply{text: goodCopy, prompt: 120, completion: 30})
	c, err := mustModel(t, testConfig(ProviderGemini, srv.URL+"/v1")).Complete(context.Background(), testPrompt)
	if err != nil {
		t.Fatal(err)
	}
	if c.Text != goodCopy || c.PromptTokens != 120 || c.CompletionTokens != 30 {
		t.Fatalf("completion %+v", c)
	}
	if got := srv.headers[0].Get("Authorization"); got != "Bearer k-test" {
		t.Errorf("Authorization = %q", got)
	}
	if rf, _ := srv.Requests()[0]["response_format"].(map[string]any); rf["type"] != "json_object" {
		t.Errorf("json mode: response_format = %v", srv.Requests()[0]["response_format"])
	}
	cfg := testConfig(ProviderGemini, "")
	if got := baseURL(cfg); got != geminiBaseURL {
		t.Errorf("gemini's default endpoint = %q, want %q", got, geminiBaseURL)
	}
	cfg.APIKey = ""
	if _, err := New(cfg, nil); err == nil {
		t.Error("gemini without an api key was accepted")
	}
}

func TestClassifiesFailures(t *testing.T) {
	f := func(name string, rep reply, wantIs error, wantAfter time.Duration) {
		t.Helper()
		srv := newOpenAIServer(t, rep)
		cfg := testConfig(ProviderOpenAI, srv.URL+"/v1")
		cfg.Timeout = 2 * time.Second
		c, err := mustModel(t, cfg).Complete(context.Background(), testPrompt)
		if err == nil {
			t.Errorf("%s: no error", name)
			return
		}
		if c.Requests != 1 {
			t.Errorf("%s: Requests = %d, want 1 (a failed request still counts)", name, c.Requests)
		}
		for _, sentinel := range []error{modelchain.ErrRateLimited, modelchain.ErrUnavailable, creative.ErrMalformed} {
			if errors.Is(err, sentinel) != (sentinel == wantIs) {
				t.Errorf("%s: %v: errors.Is(%v) = %v", name, err, sentinel, !(sentinel == wantIs))
			}
		}
		var ra *modelchain.RetryAfterError
		if got := time.Duration(0); errors.As(err, &ra) {
			got = ra.After
			if got != wantAfter {
				t.Errorf("%s: Retry-After %s, want %s", name, got, wantAfter)
			}
		} else if wantAfter != 0 {
			t.Errorf("%s: no Retry-After in %v", name, err)
		}
	}
	f("429", reply{status: 429, header: map[string]string{"Retry-After": "7"}}, modelchain.ErrRateLimited, 7*time.Second)
	f("500", reply{status: 500}, modelchain.ErrUnavailable, 0)
	f("503", reply{status: 503, header: map[string]string{"Retry-After": "2"}}, modelchain.ErrUnavailable, 2*time.Second)
	f("400", reply{status: 400}, nil, 0)
	f("401", reply{status: 401}, nil, 0)
	f("truncated body", reply{raw: `{"id":"x","choices":[{"message":{"content":"{\"head`}, creative.ErrMalformed, 0)
	f("slow", reply{hold: true}, modelchain.ErrUnavailable, 0)

	// Nothing listening: refused, unavailable.
	srv := newOpenAIServer(t, reply{text: goodCopy})
	srv.Close()
	if _, err := mustModel(t, testConfig(ProviderOpenAI, srv.URL+"/v1")).Complete(context.Background(), testPrompt); !errors.Is(err, modelchain.ErrUnavailable) {
		t.Errorf("refused connection: %v", err)
	}
}

func TestCallerCancellationIsNotAnOutage(t *testing.T) {
	srv := newOpenAIServer(t, reply{hold: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := mustModel(t, testConfig(ProviderOpenAI, srv.URL+"/v1")).Complete(ctx, testPrompt)
		done <- err
	}()
	waitRequests(t, srv, 1)
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || errors.Is(err, modelchain.ErrUnavailable) {
		t.Fatalf("cancelled call: %v, want context.Canceled and not ErrUnavailable", err)
	}
}

func TestOllamaNative(t *testing.T) {
	srv := newOllamaServer(t, reply{text: goodCopy, prompt: 200, completion: 25}, reply{status: 503})
	m := mustModel(t, testConfig(ProviderOllama, srv.URL))
	c, err := m.Complete(context.Background(), testPrompt)
	if err != nil {
		t.Fatal(err)
	}
	if c.Text != goodCopy || c.PromptTokens != 200 || c.CompletionTokens != 25 {
		t.Fatalf("completion %+v", c)
	}
	req := srv.Requests()[0]
	opts, _ := req["options"].(map[string]any)
	if req["model"] != "test-model" || req["format"] != "json" || opts["num_predict"] != 300.0 || opts["temperature"] != 0.4 {
		t.Errorf("request %v: want model, format json, num_predict 300, temperature 0.4", req)
	}
	if _, err := m.Complete(context.Background(), testPrompt); !errors.Is(err, modelchain.ErrUnavailable) {
		t.Errorf("ollama 503: %v", err)
	}
}

func TestAnthropic(t *testing.T) {
	srv := newAnthropicServer(t, reply{text: goodCopy, prompt: 300, completion: 40},
		reply{status: 429, header: map[string]string{"Retry-After": "3"}})
	m := mustModel(t, testConfig(ProviderAnthropic, srv.URL+"/v1"))
	c, err := m.Complete(context.Background(), testPrompt)
	if err != nil {
		t.Fatal(err)
	}
	// Anthropic reports usage as input and output tokens.
	if c.Text != goodCopy || c.PromptTokens != 300 || c.CompletionTokens != 40 {
		t.Fatalf("completion %+v", c)
	}
	req := srv.Requests()[0]
	if req["model"] != "test-model" || req["max_tokens"] != 300.0 || req["system"] != "You write ads." {
		t.Errorf("request %v: want model, max_tokens 300 and the system prompt", req)
	}
	if got := srv.headers[0].Get("X-Api-Key"); got != "k-test" {
		t.Errorf("x-api-key = %q", got)
	}
	_, err = m.Complete(context.Background(), testPrompt)
	var ra *modelchain.RetryAfterError
	if !errors.Is(err, modelchain.ErrRateLimited) || !errors.As(err, &ra) || ra.After != 3*time.Second {
		t.Errorf("anthropic 429: %v", err)
	}
	keyless := testConfig(ProviderAnthropic, srv.URL)
	keyless.APIKey = ""
	if _, err := New(keyless, nil); err == nil || !strings.Contains(err.Error(), "api_key") {
		t.Errorf("anthropic without a key: %v, want an error naming api_key", err)
	}
}

// A configuration valid but for one key is refused with an error naming that key.
func TestNewRejects(t *testing.T) {
	for key, spoil := range map[string]func(*Config){
		"model":    func(c *Config) { c.Model = "" },
		"provider": func(c *Config) { c.Provider = "palm" },
	} {
		cfg := testConfig(ProviderOpenAI, "http://127.0.0.1:1/v1")
		if _, err := New(cfg, nil); err != nil {
			t.Fatalf("the valid configuration: %v", err)
		}
		spoil(&cfg)
		if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("bad %s: %v, want an error naming it", key, err)
		}
	}
}

func waitRequests(t *testing.T, srv *server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Requests()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the server got %d requests, want %d", len(srv.Requests()), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
