package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/runner"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// modelServer is an OpenAI-compatible endpoint that writes grounded copy (the price the prompt
// allows) until it is told to fail, then answers 500.
type modelServer struct {
	*httptest.Server
	mu       sync.Mutex
	failing  bool
	ok, fail int
}

var allowedPrice = regexp.MustCompile(`The only price you may show is (.*?)\.(?:\s|$)|唯一可以出现的价格是 (.*?)。`)

func newModelServer(t *testing.T) *modelServer {
	t.Helper()
	s := &modelServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) < 2 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		failing := s.failing
		if failing {
			s.fail++
		} else {
			s.ok++
		}
		s.mu.Unlock()
		if failing {
			http.Error(w, `{"error":{"message":"overloaded"}}`, http.StatusInternalServerError)
			return
		}
		ad := map[string]string{"headline": "A fresh pick for you", "body": "Yours for ?.", "cta": "Shop now"}
		if m := allowedPrice.FindStringSubmatch(req.Messages[0].Content); m != nil && m[1] != "" {
			ad["body"] = "Yours for " + m[1] + "."
		} else if m != nil {
			ad = map[string]string{"headline": "为你挑选的新品", "body": "售价" + m[2] + "。", "cta": "立即购买"}
		}
		copy, _ := json.Marshal(ad)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "c1", "object": "chat.completion", "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": string(copy)}}},
			"usage":   map[string]any{"prompt_tokens": 600, "completion_tokens": 30, "total_tokens": 630},
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *modelServer) setFailing() {
	s.mu.Lock()
	s.failing = true
	s.mu.Unlock()
}

func (s *modelServer) counts() (ok, fail int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ok, s.fail
}

// creativesApp is an app running the creatives stage alone, its model on srv.
func creativesApp(t *testing.T, srv *modelServer) *app {
	t.Helper()
	cfg := config.Default()
	cfg.HTTP.Addr = freeAddr(t)
	cfg.Catalog.Path = "../../data/sample/rees46-sample.csv"
	cfg.Shutdown.Timeout = 20 * time.Second
	cfg.LLM.Provider, cfg.LLM.BaseURL, cfg.LLM.Model = "openai", srv.URL+"/v1", "test-model"
	cfg.LLM.Chain.Retries, cfg.LLM.Chain.RetryBackoff, cfg.LLM.Chain.RetryMaxBackoff = 1, time.Millisecond, 2*time.Millisecond
	cfg.LLM.Chain.Breaker.Failures, cfg.LLM.Chain.Breaker.OpenFor = 2, time.Hour
	cfg.LLM.Chain.Cache.Size = 0     // every shift asks the model
	cfg.Topics.Shifts.Partitions = 1 // one worker: shifts meet the outage in order
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return &app{cfg: cfg, log: newLogger(testWriter{t}, config.Log{Level: "warn"}), reg: prometheus.NewRegistry()}
}

func produceShifts(t *testing.T, cl *kgo.Client, topic string, from, to int) {
	t.Helper()
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		sh := schemas.Shift{User: fmt.Sprintf("shopper-%d", i), ProfileVersion: 1, EventTime: time.Date(2019, 10, 1, 0, i, 0, 0, time.UTC),
			Reason: schemas.ReasonNewInterest, Distance: 0.8, Summary: schemas.Summary{
				Categories:  []schemas.Weighted{{Name: "electronics.smartphone", Weight: 3}},
				PriceBand:   schemas.PriceBand{Min: 100, Max: 400, Currency: "USD"},
				IntentStage: "consider", Locale: []string{"en", "zh-CN"}[i%2]}}
		v, _ := json.Marshal(sh)
		recs = append(recs, &kgo.Record{Topic: topic, Key: []byte(sh.User), Value: v})
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// The creatives stage through Kafka with a model that fails halfway: ads keep arriving on
// ads.ready, written by the template once the model fails, the breaker stops asking it, and
// every ad passes the guard.
func TestCreativesStageThroughKafkaSurvivesAModelOutage(t *testing.T) {
	srv := newModelServer(t)
	a := creativesApp(t, srv)
	brokers := onEmbeddedBroker(t, a)
	stop := startRun(t, a, []string{creatives.Name})
	defer stop()

	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(a.cfg.Topics.Ads.Name),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ads := map[string]schemas.Ad{}
	readAds := func(n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		for len(ads) < n {
			fs := cl.PollFetches(ctx)
			if ctx.Err() != nil {
				t.Fatalf("%d ads on %s, want %d", len(ads), a.cfg.Topics.Ads.Name, n)
			}
			fs.EachRecord(func(r *kgo.Record) {
				ad, err := schemas.DecodeAd(r.Value)
				if err != nil {
					t.Errorf("undecodable ad: %v", err)
					return
				}
				ads[ad.User] = ad
			})
		}
	}

	produceShifts(t, cl, a.cfg.Topics.Shifts.Name, 0, 10)
	readAds(10)
	srv.setFailing()
	produceShifts(t, cl, a.cfg.Topics.Shifts.Name, 10, 40)
	readAds(40)

	kinds := map[string]int{}
	for user, ad := range ads {
		kinds[ad.Generator.Kind+"/"+ad.Generator.Fallback]++
		if vs := (creative.Guard{}).Check(ad.Creative, ad.Product); len(vs) > 0 {
			t.Errorf("%s: published copy breaks the guard: %v", user, vs)
		}
		var n int
		fmt.Sscanf(strings.TrimPrefix(user, "shopper-"), "%d", &n)
		if n < 10 && (ad.Generator.Kind != schemas.GeneratorLLM || ad.Generator.Tokens != 630 || ad.Generator.Verdict != schemas.VerdictPass) {
			t.Errorf("%s, before the outage: generator %+v, want the model's copy at 630 tokens", user, ad.Generator)
		}
		if n >= 10 && (ad.Generator.Kind != schemas.GeneratorTemplate || ad.Generator.Verdict != schemas.VerdictFallback) {
			t.Errorf("%s, during the outage: generator %+v, want a template fallback", user, ad.Generator)
		}
	}
	// Two shifts meet the outage (two requests each: one retry), then the breaker opens.
	if ok, fail := srv.counts(); ok != 10 || fail != 4 {
		t.Errorf("model saw %d good and %d failed requests, want 10 and 4 (the breaker stops the rest)", ok, fail)
	}
	if kinds["template/model_error"] != 2 || kinds["template/breaker_open"] != 28 || kinds["llm/"] != 10 {
		t.Errorf("ads by generator/fallback %v, want 10 llm, 2 model_error, 28 breaker_open", kinds)
	}
}

// Preview against an OpenAI-compatible server: prompt, raw answer, verdict, creative.
func TestCreativePreview(t *testing.T) {
	srv := newModelServer(t)
	a := creativesApp(t, srv)
	profile := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(profile, []byte(`{"categories":[{"name":"electronics.smartphone","weight":3}],"brands":[],"price_band":{"min":100,"max":400,"currency":"USD"},"intent_stage":"consider","locale":"zh-CN"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := a.preview(t.Context(), previewOptions{profile: profile, arm: strategy.ArmUrgency}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"== prompt v1-", "<catalogue_record>", "今天", "== raw answer (1 model calls, 600 prompt + 30 completion tokens",
		`"headline":"为你挑选的新品"`, "== guard verdict: pass", `"locale": "zh-CN"`} {
		if !strings.Contains(got, want) {
			t.Errorf("preview lacks %q:\n%s", want, got)
		}
	}

	// A shopper of a real replay: the first one the features stage publishes a shift for.
	var user string
	if err := replayShifts(t.Context(), runner.Config{Features: a.cfg.Features}, "rees46", rees46File, func(string) bool { return true },
		func(sh schemas.Shift) {
			if user == "" {
				user = sh.User
			}
		}); err != nil || user == "" {
		t.Fatalf("replay: %v, first shifted user %q", err, user)
	}
	out.Reset()
	if err := a.preview(t.Context(), previewOptions{format: "rees46", file: rees46File, user: user, arm: strategy.ArmValue, locale: "en"}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "== guard verdict: pass") || !strings.Contains(got, `"headline": "A fresh pick for you"`) {
		t.Errorf("preview of a replayed shopper:\n%s", got)
	}
}

// scriptedModelServer is an OpenAI-compatible endpoint answering each request with the next of
// answers, the last one repeating.
func scriptedModelServer(t *testing.T, answers ...string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		text := answers[0]
		if len(answers) > 1 {
			answers = answers[1:]
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "c1", "object": "chat.completion", "model": "test-model",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": text}}},
			"usage":   map[string]any{"prompt_tokens": 600, "completion_tokens": 30, "total_tokens": 630},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Preview --json: a script reads the prompt, each raw answer, the verdict, the violations of
// the rejected first draft and the creative published after it was rewritten.
func TestCreativePreviewJSON(t *testing.T) {
	a := creativesApp(t, newModelServer(t))
	bad := `{"headline":"I'm sorry, I can't help","body":"Visit shop.example.com, Hi John.","cta":"Shop now"}`
	good := `{"headline":"A fresh pick for you","body":"A phone for every day.","cta":"Shop now"}`
	a.cfg.LLM.BaseURL = scriptedModelServer(t, bad, good).URL + "/v1"
	profile := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(profile, []byte(`{"categories":[{"name":"electronics.smartphone","weight":3}],"brands":[],"price_band":{"min":100,"max":400,"currency":"USD"},"intent_stage":"consider","locale":"en"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := a.preview(t.Context(), previewOptions{profile: profile, arm: strategy.ArmValue, json: true}, &out); err != nil {
		t.Fatal(err)
	}
	var r previewReport
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decode: %v\n%s", err, out.String())
	}
	if dec.More() {
		t.Errorf("more than one JSON value printed")
	}
	if len(r.Attempts) != 2 || r.Attempts[0].Answer != bad || r.Attempts[1].Answer != good {
		t.Fatalf("attempts %+v, want the two raw answers in order", r.Attempts)
	}
	if !strings.Contains(r.Attempts[0].User, "<catalogue_record>") || !strings.Contains(r.Attempts[1].User, "broke these rules") {
		t.Errorf("prompts: first %q, second %q", r.Attempts[0].User, r.Attempts[1].User)
	}
	for _, rule := range []string{creative.RuleModel, creative.RuleMarkup, creative.RulePII} {
		if !slices.ContainsFunc(r.Violations, func(v string) bool { return strings.Contains(v, rule) }) {
			t.Errorf("violations %q lack %s", r.Violations, rule)
		}
	}
	if r.Verdict != schemas.VerdictRegenerated || r.Published == nil || r.Published.Headline != "A fresh pick for you" {
		t.Errorf("verdict %q, published %+v", r.Verdict, r.Published)
	}
	if r.Product.ID == "" || r.Arm != strategy.ArmValue || r.Locale != "en" || r.Generator.ModelCalls != 2 {
		t.Errorf("report %+v", r)
	}
}
