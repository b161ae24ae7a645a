package creatives

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// Mutants left alive on purpose: ruleOf's SplitN limit of 3 read as 4 (the rule is the second
// part either way), and the latency histogram's bucket bounds (a dashboard's resolution, not a
// behaviour).

func TestDefaultConfigIsTheDocumentedOne(t *testing.T) {
	c := DefaultConfig()
	if c.AdTTL != 24*time.Hour || c.Locale != "en" || c.RecentPerUser != 5 || c.RecentUsers != 100_000 {
		t.Errorf("DefaultConfig() = %+v", c)
	}
	if c.Guard.HeadlineMax != 40 || c.Guard.BodyMax != 125 || c.Guard.CTAMax != 20 {
		t.Errorf("default guard %+v", c.Guard)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

// Zero values mean the defaults; negative ones are refused, each naming its key.
func TestValidateChecksEachKey(t *testing.T) {
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("the zero Config does not validate: %v", err)
	}
	f := func(c Config, key string) {
		t.Helper()
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), key+":") {
			t.Errorf("%+v: Validate() = %v, want an error naming %s", c, err, key)
		}
	}
	f(Config{AdTTL: -time.Nanosecond}, "ad_ttl")
	f(Config{RecentPerUser: -1}, "recent_per_user")
	f(Config{RecentUsers: -1}, "recent_users")
	f(Config{Strategy: strategy.Config{HoldoutShare: 1}}, "strategy.holdout_share")
	if err := (Config{AdTTL: time.Nanosecond, RecentPerUser: 1, RecentUsers: 1}).Validate(); err != nil {
		t.Errorf("the smallest positive settings do not validate: %v", err)
	}
}

func TestAdIDOfAVersionOfSeveralDigits(t *testing.T) {
	// sha256 of "u\x0012\x00value", the version in decimal.
	if got, want := AdID("u", 12, "value"), "0248888ed8de2f8e13f74cc456e1585c"; got != want {
		t.Errorf("AdID(u, 12, value) = %s, want %s", got, want)
	}
}

// The memory holds maxUsers shoppers exactly, and forgets the one advertised to least recently.
func TestRecentForgetsTheLeastRecentShopper(t *testing.T) {
	r := newRecent(2, 2)
	r.add("a", "p1")
	r.add("b", "p2")
	if r.get("a") == nil || r.get("b") == nil {
		t.Fatalf("two shoppers in a memory of two: a %v, b %v", r.get("a"), r.get("b"))
	}
	r.add("a", "p3") // a is now the most recent
	r.add("c", "p4")
	if r.get("b") != nil {
		t.Errorf("b, advertised to least recently, is still remembered: %v", r.get("b"))
	}
	if got := r.get("a"); len(got) != 2 || got[0] != "p1" || got[1] != "p3" {
		t.Errorf("a's products %v, want [p1 p3]", got)
	}
	r.add("a", "p5")
	if got := r.get("a"); len(got) != 2 || got[0] != "p3" || got[1] != "p5" {
		t.Errorf("a's products %v, want the last two [p3 p5]", got)
	}
}

func TestRuleOf(t *testing.T) {
	f := func(v, want string) {
		t.Helper()
		if got := ruleOf(v); got != want {
			t.Errorf("ruleOf(%q) = %q, want %q", v, got, want)
		}
	}
	f("headline: length: 50 columns, limit 40", "length")
	f("body: banned_claim: \"best\": more: detail", "banned_claim")
	f("cta: empty", "empty")
	f("unparsable", "unknown")
}

// A published ad's tokens and generation time are counted.
func TestStageCountsTokensAndLatencyOfPublishedAds(t *testing.T) {
	gen := infoGenerator{info: schemas.GeneratorInfo{Kind: schemas.GeneratorLLM, Tokens: 7, LatencyMS: 1500}}
	s, p := newTestStage(t, gen, &pipelinetest.Emitter{})
	if err := p.Process(context.Background(), []pipeline.Record{record(t, 1, rankShift("u1", "appliances.kitchen.kettle"))}); err != nil {
		t.Fatal(err)
	}
	if got := value(s.metrics.tokens); got != 7 {
		t.Errorf("ad_tokens_total = %v, want 7", got)
	}
	var m dto.Metric
	if err := s.metrics.latency.WithLabelValues(schemas.GeneratorLLM).(prometheus.Histogram).Write(&m); err != nil {
		t.Fatal(err)
	}
	if h := m.GetHistogram(); h.GetSampleCount() != 1 || h.GetSampleSum() != 1.5 {
		t.Errorf("generate_seconds: %d samples, sum %v; want 1 of 1.5s", h.GetSampleCount(), h.GetSampleSum())
	}
}

// infoGenerator writes the template's copy and reports info.
type infoGenerator struct{ info schemas.GeneratorInfo }

func (g infoGenerator) Generate(ctx context.Context, req creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	c, _, err := creative.NewTemplate(creative.Guard{}).Generate(ctx, req)
	return c, g.info, err
}

// Compose gives copy the guard passed the verdict pass, unless the generator gave one; copy it
// rejected keeps the generator's verdict, never pass.
func TestComposeVerdict(t *testing.T) {
	sh := rankShift("u1", "appliances.kitchen.kettle")
	f := func(gen creative.Generator, want string, rejected bool) {
		t.Helper()
		s, _ := newTestStage(t, gen, &pipelinetest.Emitter{})
		choice, err := s.rank(&sh, nil)
		if err != nil {
			t.Fatal(err)
		}
		ad, vs, err := s.Compose(context.Background(), sh, choice.Product, schemas.Strategy{Arm: "value"}, "en")
		if err != nil {
			t.Fatal(err)
		}
		if ad.Generator.Verdict != want || (len(vs) > 0) != rejected {
			t.Errorf("verdict %q with %d violations, want %q (rejected %v)", ad.Generator.Verdict, len(vs), want, rejected)
		}
	}
	f(infoGenerator{}, schemas.VerdictPass, false)
	f(infoGenerator{info: schemas.GeneratorInfo{Verdict: "repaired"}}, "repaired", false)
	bad := schemas.Creative{Headline: "The best kettle!", Body: "Guaranteed.", CTA: "Buy", Locale: "en"}
	f(fakeGenerator{creative: bad}, "", true)
}

// A rejected shift's warning names the rule its copy broke (its only one).
func TestStageWarnsWhichRuleTheGuardApplied(t *testing.T) {
	var logs bytes.Buffer
	bad := schemas.Creative{Headline: "Kettle", Body: "A kettle for every kitchen.", CTA: "Shop now..", Locale: "en"}
	s, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), fakeGenerator{creative: bad}, mustAssigner(t, strategy.Config{Salt: "test"}),
		&pipelinetest.Emitter{}, slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "adshift.shifts", 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Process(context.Background(), []pipeline.Record{record(t, 1, rankShift("u1", "appliances.kitchen.kettle"))}); err != nil {
		t.Fatal(err)
	}
	if count(s, resultGuardRejected) != 1 {
		t.Fatalf("guard_rejected = %v, want 1", count(s, resultGuardRejected))
	}
	if l := logs.String(); !strings.Contains(l, "the guard rejected their copy") || !strings.Contains(l, "rule="+creative.RuleRepeat) || !strings.Contains(l, "hint=") {
		t.Errorf("want a warning naming the rule %s and the fix:\n%s", creative.RuleRepeat, l)
	}
}
