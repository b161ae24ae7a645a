package main

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/runner"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// countingModel writes grounded copy (the price its prompt allows) and counts its requests.
type countingModel struct{ calls atomic.Int64 }

var promptPrice = regexp.MustCompile(`The only price you may show is (.*?)\.(?:\s|$)`)

func (m *countingModel) Complete(_ context.Context, p creative.Prompt) (modelchain.Completion, error) {
	m.calls.Add(1)
	price := "?"
	if mm := promptPrice.FindStringSubmatch(p.System); mm != nil {
		price = mm[1]
	}
	b, _ := json.Marshal(map[string]string{"headline": "A fresh pick for you", "body": "Yours for " + price + ".", "cta": "Shop now"})
	return modelchain.Completion{Text: string(b), PromptTokens: 600, CompletionTokens: 30, Requests: 1}, nil
}

// BenchmarkModelCallsOnRealReplay replays the REES46 sample through the features stage, then
// runs every shift through the creatives stage with a counting model, in batches of up to 100
// records per partition of 6 as the stage's consumer reads them, and reports the model calls per
// 1,000 shifts without the cache and with it.
func BenchmarkModelCallsOnRealReplay(b *testing.B) {
	cfg := config.Default()
	var shifts [][]byte
	var users []string
	err := replayShifts(context.Background(), runner.Config{Features: cfg.Features}, "rees46", rees46File, func(string) bool { return true }, func(sh schemas.Shift) {
		v, _ := json.Marshal(sh)
		shifts, users = append(shifts, v), append(users, sh.User)
	})
	if err != nil || len(shifts) == 0 {
		b.Fatalf("replay: %v, %d shifts", err, len(shifts))
	}
	products, _, err := dataset.LoadCatalog("rees46", rees46File)
	if err != nil {
		b.Fatal(err)
	}
	cat := catalog.NewCatalog(products)
	const partitions = 6

	run := func(b *testing.B, batchSize int, cache modelchain.CacheConfig) float64 {
		model := &countingModel{}
		guard := cfg.Creatives.Guard.WithBrands(cat.Brands())
		gen, err := modelchain.NewChain(modelchain.ChainConfig{Cache: cache}, model, "counting", creative.EmbeddedPrompts(), guard, creative.NewTemplate(guard), nil)
		if err != nil {
			b.Fatal(err)
		}
		chooser, _ := strategy.NewAssigner(cfg.Creatives.Strategy)
		st, err := creatives.New(cfg.Creatives, cfg.Topics.Names(), cat, gen, chooser, pipelinetest.Discard{}, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		var procs [partitions]pipeline.Processor
		var pending [partitions][]pipeline.Record
		for i := range procs {
			procs[i], _ = st.Open(context.Background(), cfg.Topics.Shifts.Name, int32(i))
		}
		flush := func(p int) {
			if len(pending[p]) > 0 {
				if err := procs[p].Process(context.Background(), pending[p]); err != nil {
					b.Fatal(err)
				}
				pending[p] = pending[p][:0]
			}
		}
		for i, v := range shifts {
			h := fnv.New32a()
			h.Write([]byte(users[i]))
			p := int(h.Sum32() % partitions)
			pending[p] = append(pending[p], pipeline.Record{Topic: cfg.Topics.Shifts.Name, Partition: int32(p), Offset: int64(i), Key: []byte(users[i]), Value: v})
			if len(pending[p]) == batchSize {
				flush(p)
			}
		}
		for p := range procs {
			flush(p)
		}
		return float64(model.calls.Load()) * 1000 / float64(len(shifts))
	}
	var none, cached float64
	for b.Loop() {
		none = run(b, 100, modelchain.CacheConfig{})
		cached = run(b, 100, cfg.LLM.Chain.Cache)
	}
	events, _, err := dataset.ReadAll("rees46", rees46File)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(shifts)), "shifts")
	b.ReportMetric(float64(len(shifts))/float64(len(events)), "shifts/event")
	b.ReportMetric(none, "calls/1k-shifts-plain")
	b.ReportMetric(cached, "calls/1k-shifts-cached")
}
