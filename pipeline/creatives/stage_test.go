package creatives

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/catalog/catalogtest"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// fakeGenerator returns fixed copy, or an error.
type fakeGenerator struct {
	creative schemas.Creative
	err      error
}

func (g fakeGenerator) Generate(ctx context.Context, _ creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	if g.err != nil {
		return schemas.Creative{}, schemas.GeneratorInfo{}, g.err
	}
	return g.creative, schemas.GeneratorInfo{Kind: schemas.GeneratorLLM, Model: "fake"}, ctx.Err()
}

func testCatalog() *catalog.Catalog { return catalog.NewCatalog(catalogtest.Products()) }

var t0 = time.Date(2019, 10, 1, 0, 10, 0, 0, time.UTC)

func shiftRecord(t *testing.T, offset int64, user string, version uint64, category, brand, locale string) pipeline.Record {
	t.Helper()
	s := schemas.Shift{
		User: user, ProfileVersion: version, EventTime: t0.Add(time.Duration(version) * time.Minute),
		Reason: schemas.ReasonNewInterest, Distance: 0.7,
		Summary: schemas.Summary{
			Categories:  []schemas.Weighted{{Name: category, Weight: 3}},
			Brands:      []schemas.Weighted{{Name: brand, Weight: 2}},
			PriceBand:   schemas.PriceBand{Min: 0, Max: 500, Currency: "USD"},
			IntentStage: "consider",
			Locale:      locale,
		},
	}
	value, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.Record{Topic: "adshift.shifts", Partition: 2, Offset: offset, Key: []byte(user), Value: value, Timestamp: s.EventTime}
}

func rawRecord(offset int64, value string) pipeline.Record {
	return pipeline.Record{Topic: "adshift.shifts", Partition: 2, Offset: offset, Key: []byte("k"), Value: []byte(value)}
}

func newTestStage(t *testing.T, gen creative.Generator, out pipeline.Emitter) (*Stage, pipeline.Processor) {
	t.Helper()
	return newTestStageWith(t, gen, mustAssigner(t, strategy.Config{Salt: "test", Experiment: "exp"}), out)
}

func newTestStageWith(t *testing.T, gen creative.Generator, chooser strategy.Chooser, out pipeline.Emitter) (*Stage, pipeline.Processor) {
	t.Helper()
	if gen == nil {
		gen = creative.NewTemplate(creative.Guard{})
	}
	s, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), gen, chooser, out, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "adshift.shifts", 2)
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// ads returns the ads among recs by shopper, the last one of each.
func ads(t *testing.T, recs []pipeline.Record) map[string]schemas.Ad {
	t.Helper()
	out := map[string]schemas.Ad{}
	for _, ad := range adList(t, recs) {
		out[ad.User] = ad
	}
	return out
}

// adList returns the ads among recs in order.
func adList(t *testing.T, recs []pipeline.Record) []schemas.Ad {
	t.Helper()
	var out []schemas.Ad
	for _, r := range recs {
		if r.Topic != "ads.ready" {
			continue
		}
		var ad schemas.Ad
		if err := json.Unmarshal(r.Value, &ad); err != nil {
			t.Fatal(err)
		}
		if string(r.Key) != ad.User {
			t.Errorf("ad for %s keyed %q", ad.User, r.Key)
		}
		out = append(out, ad)
	}
	return out
}

func count(s *Stage, result string) float64 {
	return value(s.metrics.shifts.WithLabelValues(result))
}

func value(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

func TestStageProcess(t *testing.T) {
	out := &pipelinetest.Emitter{}
	s, p := newTestStage(t, nil, out)
	if s.Name() != "creatives" || len(s.Topics()) != 1 || s.Topics()[0] != "adshift.shifts" {
		t.Fatalf("Name %q Topics %v", s.Name(), s.Topics())
	}
	batch := []pipeline.Record{
		shiftRecord(t, 10, "u1", 1, "electronics.audio.headphone", "sony", ""),
		shiftRecord(t, 11, "u2", 1, "electronics.audio.speaker", "jbl", "zh-CN"),
		shiftRecord(t, 12, "u1", 3, "electronics.audio.headphone", "sony", ""),
		rawRecord(13, `{"user": "u4", "profile_vers`),
		shiftRecord(t, 14, "u1", 2, "appliances.kitchen.kettle", "bosch", ""),
		rawRecord(15, `{"profile_version": 2, "event_time": "2019-10-01T00:00:00Z"}`),
		shiftRecord(t, 16, "u3", 1, "garden.tools", "", ""),
		shiftRecord(t, 17, "u1", 3, "electronics.audio.headphone", "sony", ""), // offset 12 again
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if len(out.Acked) != 1 {
		t.Fatalf("%d Emit calls, want one per batch", len(out.Acked))
	}
	// Every shift with a product gets its ad, in offset order, whatever else is in the batch;
	// u1's second headphone ad skips the headphone its first one showed. The repeat of offset
	// 12 is made once.
	var made []string
	for _, ad := range adList(t, out.Acked[0]) {
		made = append(made, fmt.Sprintf("%s/%d/%s", ad.User, ad.ProfileVersion, ad.Product.ID))
	}
	if got, want := fmt.Sprint(made), "[u1/1/h1 u2/1/s1 u1/3/h3 u1/2/k1]"; got != want {
		t.Errorf("ads %s, want %s", got, want)
	}
	got := ads(t, out.Acked[0])
	u1 := adList(t, out.Acked[0])[2]
	if want := t0.Add(3 * time.Minute); !u1.CreatedAt.Equal(want) || !u1.ExpiresAt.Equal(want.Add(24*time.Hour)) {
		t.Errorf("u1: created %s expires %s, want the shift's event time and a day later", u1.CreatedAt, u1.ExpiresAt)
	}
	if u1.AdID != AdID("u1", 3, u1.Strategy.Arm) || u1.Reason != schemas.ReasonNewInterest {
		t.Errorf("u1: ad id %s reason %s", u1.AdID, u1.Reason)
	}
	if u1.Strategy.Segment != "electronics" || u1.Strategy.Experiment != "exp" || u1.Generator.Kind != schemas.GeneratorTemplate {
		t.Errorf("u1: strategy %+v generator %+v", u1.Strategy, u1.Generator)
	}
	if u1.Creative.Locale != creative.LocaleEN || got["u2"].Creative.Locale != creative.LocaleZH {
		t.Errorf("locales %s and %s, want the default en and u2's zh-CN", u1.Creative.Locale, got["u2"].Creative.Locale)
	}
	for _, ad := range got {
		if vs := (creative.Guard{}).Check(ad.Creative, ad.Product); len(vs) > 0 {
			t.Errorf("published creative breaks the guard: %v", vs)
		}
	}

	// The two unreadable shifts went to the DLQ, with their failure kinds.
	var kinds []string
	for _, r := range out.Acked[0] {
		if r.Topic == "clickstream.dlq" {
			kinds = append(kinds, fmt.Sprintf("%s:%s", r.Header(schemas.HeaderOffset), r.Header(schemas.HeaderFailure)))
			if string(r.Header(schemas.HeaderStage)) != "creatives" {
				t.Errorf("dead letter from stage %q", r.Header(schemas.HeaderStage))
			}
		}
	}
	if fmt.Sprint(kinds) != "[13:malformed_json 15:schema_violation]" {
		t.Errorf("dead letters %v", kinds)
	}

	for result, want := range map[string]float64{resultAd: 4, resultRepeated: 1, resultNoProduct: 1, resultDeadLettered: 2, resultGuardRejected: 0} {
		if got := count(s, result); got != want {
			t.Errorf("%s = %v, want %v", result, got, want)
		}
	}
}

func TestStageAdsAreStableAcrossRuns(t *testing.T) {
	batch := []pipeline.Record{
		shiftRecord(t, 1, "u1", 5, "electronics.audio.headphone", "sony", ""),
		shiftRecord(t, 2, "u2", 9, "electronics.video.tv", "samsung", "zh-CN"),
	}
	var runs [2][]pipeline.Record
	for i := range runs {
		out := &pipelinetest.Emitter{}
		_, p := newTestStage(t, nil, out)
		if err := p.Process(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		runs[i] = out.Acked[0]
	}
	for i := range runs[0] {
		if string(runs[0][i].Value) != string(runs[1][i].Value) {
			t.Errorf("replay published a different ad:\n%s\n%s", runs[0][i].Value, runs[1][i].Value)
		}
	}
}

func TestStageVariesProductsAndRetriesIdempotently(t *testing.T) {
	out := &pipelinetest.Emitter{}
	_, p := newTestStage(t, nil, out)
	ctx := context.Background()
	first := []pipeline.Record{shiftRecord(t, 1, "u1", 1, "electronics.audio.headphone", "sony", "")}
	if err := p.Process(ctx, first); err != nil {
		t.Fatal(err)
	}

	// The next shift's batch fails to publish, and is redelivered.
	second := []pipeline.Record{shiftRecord(t, 2, "u1", 2, "electronics.audio.headphone", "sony", "")}
	out.Err = errors.New("broker unavailable")
	if err := p.Process(ctx, second); !errors.Is(err, out.Err) {
		t.Fatalf("Process with a failing emitter = %v, want the emit error", err)
	}
	out.Err = nil
	if err := p.Process(ctx, second); err != nil {
		t.Fatal(err)
	}
	if len(out.Acked) != 2 {
		t.Fatalf("%d successful emits, want 2", len(out.Acked))
	}
	a, b := ads(t, out.Acked[0])["u1"], ads(t, out.Acked[1])["u1"]
	if a.Product.ID == b.Product.ID {
		t.Errorf("u1 was shown %s twice in a row", a.Product.ID)
	}
	// Only the published ad counts as shown: the failed attempt did not push the retry to a third product.
	if a.Product.ID != "h1" || b.Product.ID != "h3" {
		t.Errorf("products %s then %s, want h1 then h3", a.Product.ID, b.Product.ID)
	}
}

// driftingChooser answers with the next arm on every call, as a bandit whose posteriors were
// refreshed between two attempts may.
type driftingChooser struct{ calls int }

func (c *driftingChooser) Choose(_ string, _ uint64, segment string) schemas.Strategy {
	c.calls++
	arms := []string{strategy.ArmValue, strategy.ArmQuality, strategy.ArmTrend}
	return schemas.Strategy{Arm: arms[c.calls%len(arms)], Segment: segment, Policy: "drifting",
		Propensity: 1 / float64(c.calls), Experiment: "exp", Group: schemas.GroupTreatment}
}

// driftingGenerator writes the template's copy with another call to action every call, as a model
// (or an expired cache) may; fail, if set, decides which calls fail instead.
type driftingGenerator struct {
	calls int
	fail  func(ctx context.Context, req creative.Request) error
}

func (g *driftingGenerator) Generate(ctx context.Context, req creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	g.calls++
	if g.fail != nil {
		if err := g.fail(ctx, req); err != nil {
			return schemas.Creative{}, schemas.GeneratorInfo{}, err
		}
	}
	c, info, err := creative.NewTemplate(creative.Guard{}).Generate(ctx, req)
	c.CTA = []string{"Shop now", "Take a look", "See it"}[g.calls%3]
	info.LatencyMS = int64(g.calls)
	return c, info, err
}

func TestStageRetryEmitsTheFirstAttemptAgain(t *testing.T) {
	out := &pipelinetest.Emitter{Fail: 2}
	chooser, gen := &driftingChooser{}, &driftingGenerator{}
	s, p := newTestStageWith(t, gen, chooser, out)
	ctx := context.Background()
	batch := []pipeline.Record{
		shiftRecord(t, 20, "u1", 1, "electronics.audio.headphone", "sony", ""),
		shiftRecord(t, 21, "u2", 1, "electronics.audio.speaker", "jbl", ""),
		rawRecord(22, `{"user": "u4"`),
		shiftRecord(t, 23, "u1", 2, "electronics.audio.headphone", "sony", ""),
	}
	for attempt := 1; ; attempt++ {
		err := p.Process(ctx, batch)
		if err == nil {
			break
		}
		if attempt > out.Fail {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
	}
	if len(out.Calls) != 3 {
		t.Fatalf("%d Emit calls, want 3", len(out.Calls))
	}
	// What finally went out is what the first attempt may already have delivered in part.
	first := out.Calls[0]
	for i, recs := range out.Calls[1:] {
		if len(recs) != len(first) {
			t.Fatalf("attempt %d emitted %d records, the first %d", i+2, len(recs), len(first))
		}
		for j := range recs {
			if recs[j].Topic != first[j].Topic || string(recs[j].Key) != string(first[j].Key) || string(recs[j].Value) != string(first[j].Value) {
				t.Errorf("attempt %d, record %d differs from the first attempt's:\n%s\n%s", i+2, j, recs[j].Value, first[j].Value)
			}
		}
	}
	got := ads(t, out.Calls[2])
	if len(got) != 2 || got["u1"].ProfileVersion != 2 {
		t.Fatalf("published %v, want u2's ad and u1's for version 2", got)
	}
	if chooser.calls != 3 || gen.calls != 3 {
		t.Errorf("chooser called %d times, generator %d, want once per ad", chooser.calls, gen.calls)
	}
	if count(s, resultAd) != 3 || count(s, resultDeadLettered) != 1 {
		t.Errorf("ad %v dead_lettered %v, want each shift counted once", count(s, resultAd), count(s, resultDeadLettered))
	}
	if n := value(s.metrics.ads.WithLabelValues(schemas.GeneratorTemplate, schemas.VerdictPass, "")); n != 3 {
		t.Errorf("ads_total = %v, want the 3 published", n)
	}

	// Once acknowledged, nothing is pending: the next batch emits only its own ad, and a product
	// other than the one just shown.
	next := []pipeline.Record{shiftRecord(t, 24, "u1", 3, "electronics.audio.headphone", "sony", "")}
	if err := p.Process(ctx, next); err != nil {
		t.Fatal(err)
	}
	last := ads(t, out.Calls[3])
	if len(out.Calls[3]) != 1 || last["u1"].ProfileVersion != 3 || last["u1"].Product.ID == got["u1"].Product.ID {
		t.Errorf("next batch emitted %d records, u1 %+v after %s", len(out.Calls[3]), last["u1"].Product, got["u1"].Product.ID)
	}
}

func TestStageModelFailuresMidBatch(t *testing.T) {
	batch := []pipeline.Record{
		shiftRecord(t, 1, "u1", 1, "electronics.audio.headphone", "sony", ""),
		shiftRecord(t, 2, "u2", 1, "electronics.audio.speaker", "jbl", ""),
		shiftRecord(t, 3, "u3", 1, "electronics.video.tv", "samsung", ""),
	}

	// A model that fails for one shopper costs that shopper's ad, not the batch.
	out := &pipelinetest.Emitter{}
	gen := &driftingGenerator{fail: func(_ context.Context, req creative.Request) error {
		if req.Shift.User == "u2" {
			return errors.New("model unavailable")
		}
		return nil
	}}
	s, p := newTestStageWith(t, gen, &driftingChooser{}, out)
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatalf("a model failure stopped the partition: %v", err)
	}
	if got := ads(t, out.Calls[0]); len(got) != 2 || count(s, resultGenerateError) != 1 {
		t.Errorf("published %d ads, generate_error %v, want u1's and u3's and one error", len(got), count(s, resultGenerateError))
	}

	// The context ending mid-batch fails the batch before anything is emitted or remembered, so
	// the retry builds all of it, and picks the products it would have picked.
	out = &pipelinetest.Emitter{}
	ctx, cancel := context.WithCancel(context.Background())
	gen = &driftingGenerator{fail: func(_ context.Context, req creative.Request) error {
		if req.Shift.User == "u2" {
			cancel()
			return context.Canceled
		}
		return nil
	}}
	_, p = newTestStageWith(t, gen, &driftingChooser{}, out)
	if err := p.Process(ctx, batch); !errors.Is(err, context.Canceled) {
		t.Fatalf("Process when the context ends mid-batch = %v, want context.Canceled", err)
	}
	if len(out.Calls) != 0 {
		t.Fatalf("emitted %d times from an unfinished batch", len(out.Calls))
	}
	gen.fail = nil
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	got := ads(t, out.Calls[0])
	if len(got) != 3 || got["u1"].Product.ID != "h1" {
		t.Errorf("retry published %d ads, u1 %s, want 3 and u1's first choice h1", len(got), got["u1"].Product.ID)
	}
}

func TestStageNeverPublishesWhatTheGuardRejects(t *testing.T) {
	out := &pipelinetest.Emitter{}
	bad := schemas.Creative{Headline: "The best headphones!", Body: "Only $9.99, guaranteed.", CTA: "Buy", Locale: "en"}
	s, p := newTestStage(t, fakeGenerator{creative: bad}, out)
	batch := []pipeline.Record{shiftRecord(t, 1, "u1", 1, "electronics.audio.headphone", "sony", "")}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if len(out.Acked) != 0 {
		t.Fatalf("published %v", out.Acked)
	}
	if count(s, resultGuardRejected) != 1 {
		t.Errorf("guard_rejected = %v", count(s, resultGuardRejected))
	}
	for rule, want := range map[string]float64{creative.RuleClaim: 2, creative.RuleExclaim: 1, creative.RulePrice: 1} {
		if got := value(s.metrics.violations.WithLabelValues(rule)); got != want {
			t.Errorf("violations{%s} = %v, want %v", rule, got, want)
		}
	}
}

func TestStageGeneratorFailures(t *testing.T) {
	batch := []pipeline.Record{shiftRecord(t, 1, "u1", 1, "electronics.audio.headphone", "sony", "")}

	out := &pipelinetest.Emitter{}
	s, p := newTestStage(t, fakeGenerator{err: errors.New("model refused")}, out)
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatalf("a generator failure stopped the partition: %v", err)
	}
	if len(out.Acked) != 0 || count(s, resultGenerateError) != 1 {
		t.Errorf("emits %d, generate_error %v", len(out.Acked), count(s, resultGenerateError))
	}

	// A cancelled context is not a generator failure: the batch must not be committed.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, p = newTestStage(t, fakeGenerator{creative: schemas.Creative{Headline: "h", Body: "b", CTA: "c"}}, &pipelinetest.Emitter{})
	if err := p.Process(ctx, batch); !errors.Is(err, context.Canceled) {
		t.Errorf("Process under a cancelled context = %v", err)
	}
}

func TestNewValidates(t *testing.T) {
	out := &pipelinetest.Emitter{}
	gen := creative.NewTemplate(creative.Guard{})
	uniform := mustAssigner(t, strategy.Config{})
	if _, err := New(Config{}, pipeline.DefaultTopics(), catalog.NewCatalog(nil), gen, uniform, out, nil, nil); err == nil {
		t.Error("empty catalog accepted")
	}
	if _, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), nil, uniform, out, nil, nil); err == nil {
		t.Error("nil generator accepted")
	}
	if _, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), gen, nil, out, nil, nil); err == nil {
		t.Error("baseline as an arm accepted")
	}
	// Two stages on one registry share their counters rather than failing.
	reg := prometheus.NewRegistry()
	for range 2 {
		if _, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), gen, uniform, out, nil, reg); err != nil {
			t.Fatal(err)
		}
	}
}

func mustAssigner(t *testing.T, cfg strategy.Config) *strategy.Assigner {
	t.Helper()
	a, err := strategy.NewAssigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestStageAdsDoNotDependOnBatches gives the same shifts to the stage in batches of 1, 2, 5 and
// all at once, as a paced replay, a busy consumer and a max-speed replay would: the ads are the
// same bytes every time. A partition reopened half way (a crash or rebalance: the memory of
// recent products is gone) makes the same ad ids.
func TestStageAdsDoNotDependOnBatches(t *testing.T) {
	cats := []struct{ category, brand string }{
		{"electronics.audio.headphone", "sony"}, {"electronics.audio.speaker", "jbl"},
		{"appliances.kitchen.kettle", "bosch"}, {"electronics.audio.headphone", "jbl"},
	}
	var shifts []pipeline.Record
	for i := range 48 {
		c := cats[(i/3+i)%len(cats)]
		shifts = append(shifts, shiftRecord(t, int64(i), fmt.Sprintf("u%d", i%5), uint64(1+i/5), c.category, c.brand, ""))
	}
	run := func(size, reopenAt int) []schemas.Ad {
		out := &pipelinetest.Emitter{}
		s, p := newTestStage(t, nil, out)
		for i := 0; i < len(shifts); i += size {
			if reopenAt > 0 && i >= reopenAt && i-size < reopenAt {
				p, _ = s.Open(context.Background(), "adshift.shifts", 2)
			}
			if err := p.Process(context.Background(), shifts[i:min(i+size, len(shifts))]); err != nil {
				t.Fatal(err)
			}
		}
		var all []schemas.Ad
		for _, recs := range out.Acked {
			all = append(all, adList(t, recs)...)
		}
		return all
	}
	summary := func(ads []schemas.Ad, withProduct bool) string {
		var parts []string
		for _, ad := range ads {
			part := ad.AdID
			if withProduct {
				part += "/" + ad.Product.ID + "/" + ad.Creative.Headline
			}
			parts = append(parts, part)
		}
		return fmt.Sprint(parts)
	}
	one := run(1, 0)
	if len(one) < 30 {
		t.Fatalf("%d ads of %d shifts", len(one), len(shifts))
	}
	for _, size := range []int{2, 5, len(shifts)} {
		if got, want := summary(run(size, 0), true), summary(one, true); got != want {
			t.Errorf("batches of %d made other ads:\n%s\nwant\n%s", size, got, want)
		}
	}
	if got, want := summary(run(5, 25), false), summary(one, false); got != want {
		t.Errorf("a partition reopened half way made other ad ids:\n%s\nwant\n%s", got, want)
	}
}
