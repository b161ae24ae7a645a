package llm

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/modelchain"
)

// Every validated range is held at both its ends, and each error names its key.
func TestValidateRanges(t *testing.T) {
	f := func(key string, ok bool, spoil func(*Config)) {
		t.Helper()
		cfg := testConfig(ProviderOpenAI, "")
		spoil(&cfg)
		err := cfg.Validate()
		if ok && err != nil {
			t.Errorf("%s: %v, want valid", key, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), key+":")) {
			t.Errorf("%s: %v, want an error naming it", key, err)
		}
	}
	f("temperature", true, func(c *Config) { c.Temperature = 0 })
	f("temperature", true, func(c *Config) { c.Temperature = 2 })
	f("temperature", false, func(c *Config) { c.Temperature = -0.01 })
	f("temperature", false, func(c *Config) { c.Temperature = 2.01 })
	f("max_tokens", true, func(c *Config) { c.MaxTokens = 1 })
	f("max_tokens", false, func(c *Config) { c.MaxTokens = 0 })
	f("max_answer_bytes", true, func(c *Config) { c.MaxAnswerBytes = 1024 })
	f("max_answer_bytes", false, func(c *Config) { c.MaxAnswerBytes = 1023 })
	f("timeout", true, func(c *Config) { c.Timeout = time.Nanosecond })
	f("timeout", false, func(c *Config) { c.Timeout = 0 })
	f("model", false, func(c *Config) { c.Model = "" })
	f("model", true, func(c *Config) { c.Provider, c.Model = "", "" })
	f("provider", false, func(c *Config) { c.Provider = "palm" })
	f("api_key", true, func(c *Config) { c.APIKey = "" }) // OpenAI-compatible servers may need none
	f("api_key", true, func(c *Config) { c.Provider, c.APIKey = ProviderOllama, "" })
	f("api_key", false, func(c *Config) { c.Provider, c.APIKey = ProviderGemini, "" })
	f("api_key", false, func(c *Config) { c.Provider, c.APIKey = ProviderAnthropic, "" })
	f("api_key", true, func(c *Config) { c.Provider = ProviderAnthropic })
	embed := func(provider string, batch int) func(*Config) {
		return func(c *Config) { c.Provider, c.EmbeddingModel, c.EmbeddingBatch = provider, "e", batch }
	}
	f("embedding_batch", true, embed(ProviderOpenAI, 1))
	f("embedding_batch", true, embed(ProviderGemini, 2048))
	f("embedding_batch", true, embed(ProviderOllama, 64))
	f("embedding_batch", false, embed(ProviderOpenAI, 0))
	f("embedding_batch", false, embed(ProviderOpenAI, 2049))
	f("embedding_model", false, embed(ProviderAnthropic, 1))
	f("embedding_model", false, func(c *Config) { c.Provider, c.Model, c.EmbeddingModel, c.EmbeddingBatch = "", "", "e", 1 })
	f("embedding_batch", true, func(c *Config) { c.EmbeddingBatch = 0 }) // no embedding model: not read
}

func TestBaseURL(t *testing.T) {
	f := func(provider, base, want string) {
		t.Helper()
		if got := baseURL(Config{Provider: provider, BaseURL: base}); got != want {
			t.Errorf("baseURL(%s, %q) = %q, want %q", provider, base, got, want)
		}
	}
	f(ProviderOpenAI, "", "https://api.openai.com/v1")
	f(ProviderGemini, "", "https://generativelanguage.googleapis.com/v1beta/openai")
	f(ProviderOllama, "", "http://127.0.0.1:11434")
	f(ProviderOpenAI, "http://vllm:8000/v1/", "http://vllm:8000/v1")
}

func TestParseRetryAfter(t *testing.T) {
	f := func(v string, want time.Duration) {
		t.Helper()
		if got := parseRetryAfter(v); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
	f("", 0)
	f("0", 0)
	f("7", 7*time.Second)
	f("-3", 0)
	f("soon", 0)
	f("Wed, 21 Oct 2015 07:28:00 GMT", 0) // a date gone by
	in := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	if got := parseRetryAfter(in); got <= 58*time.Minute || got > time.Hour {
		t.Errorf("parseRetryAfter(an hour ahead) = %v", got)
	}
}

func TestUsageReadsEveryNumberType(t *testing.T) {
	f := func(info map[string]any, prompt, completion int) {
		t.Helper()
		if p, c := usage(info); p != prompt || c != completion {
			t.Errorf("usage(%v) = %d, %d, want %d, %d", info, p, c, prompt, completion)
		}
	}
	f(map[string]any{"PromptTokens": 12, "CompletionTokens": int32(30)}, 12, 30)
	f(map[string]any{"InputTokens": int64(5), "OutputTokens": float64(9)}, 5, 9)
	f(map[string]any{"PromptTokens": "12"}, 0, 0)
	f(nil, 0, 0)
}

// body is a response body of n bytes.
func body(n int) io.ReadCloser { return io.NopCloser(bytes.NewReader(bytes.Repeat([]byte("x"), n))) }

// A body of exactly the cap reads whole; one byte more fails and is noted.
func TestCappedBodyAtTheCap(t *testing.T) {
	f := func(n int, wantErr bool) {
		t.Helper()
		obs := &observation{}
		b := &cappedBody{body: body(n), left: 100, max: 100, obs: obs}
		got, err := io.ReadAll(b)
		if wantErr {
			if !errors.Is(err, modelchain.ErrAnswerTooLarge) || !obs.wasTooLarge() || len(got) != 100 {
				t.Errorf("%d bytes under a cap of 100: read %d, %v, noted %v", n, len(got), err, obs.wasTooLarge())
			}
			return
		}
		if err != nil || len(got) != n || obs.wasTooLarge() {
			t.Errorf("%d bytes under a cap of 100: read %d, %v, noted %v", n, len(got), err, obs.wasTooLarge())
		}
	}
	f(99, false)
	f(100, false)
	f(101, true)
	// Read a byte at a time, a body of exactly the cap still reads whole.
	b := &cappedBody{body: io.NopCloser(iotest.OneByteReader(bytes.NewReader(make([]byte, 100)))), left: 100, max: 100}
	if got, err := io.ReadAll(b); err != nil || len(got) != 100 {
		t.Errorf("100 bytes a byte at a time under a cap of 100: read %d, %v", len(got), err)
	}
}

// roundTrip answers every request with its response.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A response announcing more than the cap is refused before its body is read; exactly the cap
// passes.
func TestObserverRefusesAnAnnouncedOversize(t *testing.T) {
	f := func(length int64, wantErr bool) {
		t.Helper()
		tr := observer{maxBytes: 100, next: roundTrip(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, ContentLength: length, Body: body(int(length)), Header: http.Header{}}, nil
		})}
		req, _ := http.NewRequest(http.MethodGet, "http://model.test/", nil)
		closed := false
		tr.next = roundTrip(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, ContentLength: length, Header: http.Header{},
				Body: closer{ReadCloser: body(int(length)), closed: &closed}}, nil
		})
		resp, err := tr.RoundTrip(req)
		if wantErr && !closed {
			t.Errorf("Content-Length %d: the refused body was not closed", length)
		}
		if wantErr != (err != nil) || wantErr && !errors.Is(err, modelchain.ErrAnswerTooLarge) {
			t.Errorf("Content-Length %d under a cap of 100: %v", length, err)
		}
		if err == nil {
			resp.Body.Close()
		}
	}
	f(100, false)
	f(101, true)
}

// closer notes that its body was closed.
type closer struct {
	io.ReadCloser
	closed *bool
}

func (c closer) Close() error { *c.closed = true; return c.ReadCloser.Close() }

// The client's own timeout is kept when shorter, else the model's is set.
func TestObservedClientTimeout(t *testing.T) {
	f := func(own, timeout, want time.Duration) {
		t.Helper()
		var c *http.Client
		if own >= 0 {
			c = &http.Client{Timeout: own}
		}
		if got := observed(c, timeout, 0).Timeout; got != want {
			t.Errorf("client timeout %v, model timeout %v: %v, want %v", own, timeout, got, want)
		}
	}
	f(-1, 5*time.Second, 5*time.Second)
	f(0, 5*time.Second, 5*time.Second)
	f(time.Second, 5*time.Second, time.Second)
	f(5*time.Second, 5*time.Second, 5*time.Second)
	f(9*time.Second, 5*time.Second, 5*time.Second)
}

// A response with no choices is an unreadable answer, not an empty creative.
func TestNoChoicesIsMalformed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","object":"chat.completion","model":"test-model","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":0}}`)
	}))
	defer srv.Close()
	m := mustModel(t, testConfig(ProviderOpenAI, srv.URL+"/v1"))
	if _, err := m.Complete(t.Context(), creative.Prompt{System: "s", User: "u"}); !errors.Is(err, creative.ErrMalformed) {
		t.Errorf("no choices: %v, want ErrMalformed", err)
	}
}

// Mutants left alive on purpose, as no behaviour depends on them: parseRetryAfter's "s >= 0"
// against "s >= 1" (0 seconds and no wait are the same), observed's "c.Timeout > timeout"
// against ">=" and cappedBody's "len(p) > left" against ">=" (equal values give the same
// result), and oneBatch (any size no call reaches). Model.Complete's check for no choices is
// not reached through langchaingo's OpenAI client, which fails such a response itself.
