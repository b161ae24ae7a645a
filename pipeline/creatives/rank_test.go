package creatives

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

func record(t *testing.T, offset int64, sh schemas.Shift) pipeline.Record {
	t.Helper()
	value, err := json.Marshal(sh)
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.Record{Topic: "adshift.shifts", Partition: 2, Offset: offset, Key: []byte(sh.User), Value: value, Timestamp: sh.EventTime}
}

func rankShift(user, category string, predicted ...schemas.Weighted) schemas.Shift {
	sh := schemas.Shift{User: user, ProfileVersion: 1, EventTime: t0, Reason: schemas.ReasonNewInterest,
		Summary: schemas.Summary{Categories: []schemas.Weighted{{Name: category, Weight: 1}}}, Predicted: predicted}
	if len(predicted) > 0 {
		sh.InterestModel = "im1-test"
	}
	return sh
}

// The ad carries the model's version and how its product matched; the model's prediction, when
// there is one, chooses the product; categories written with '/' or as one word find products.
func TestStageRanksByPredictedInterest(t *testing.T) {
	out := &pipelinetest.Emitter{}
	_, p := newTestStage(t, nil, out)
	batch := []pipeline.Record{
		record(t, 1, rankShift("u1", "electronics.audio.headphone", schemas.Weighted{Name: "appliances.kitchen.kettle", Weight: 0.7})),
		record(t, 2, rankShift("u2", "Electronics/Audio/Speakers")),
		record(t, 3, rankShift("u3", "Kettles")),
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	got := ads(t, out.Acked[0])
	f := func(user, product, interest, model string) {
		t.Helper()
		a, ok := got[user]
		if !ok {
			t.Errorf("%s got no ad", user)
			return
		}
		if a.Product.ID != product || a.Match.Interest != interest || a.Match.Rank != 1 || a.Match.Score <= 0 || a.InterestModel != model {
			t.Errorf("%s: product %s match %+v model %q, want %s for %q at rank 1, model %q", user, a.Product.ID, a.Match, a.InterestModel, product, interest, model)
		}
	}
	f("u1", "k1", "appliances.kitchen.kettle", "im1-test")
	f("u2", "s1", "Electronics/Audio/Speakers", "")
	f("u3", "k1", "Kettles", "")
}

// A shift that gets no product is counted by why, and warned about once a minute per reason,
// with the category and a hint.
func TestStageSaysWhyThereIsNoProduct(t *testing.T) {
	var logs bytes.Buffer
	now := t0
	s, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), creativeTemplate(), mustAssigner(t, strategy.Config{Salt: "test"}),
		&pipelinetest.Emitter{}, slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry(), withClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "adshift.shifts", 2)
	if err != nil {
		t.Fatal(err)
	}
	process := func(offset int64, sh schemas.Shift) {
		t.Helper()
		if err := p.Process(context.Background(), []pipeline.Record{record(t, offset, sh)}); err != nil {
			t.Fatal(err)
		}
	}
	process(1, rankShift("u1", "Games"))
	process(2, rankShift("u2", "Garden/Tools"))
	now = now.Add(30 * time.Second)
	process(3, rankShift("u3", "Toys"))
	if n := strings.Count(logs.String(), "reason=no_candidates"); n != 1 {
		t.Errorf("%d warnings within a minute, want 1:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "category=Games") || !strings.Contains(logs.String(), "hint=") {
		t.Errorf("the warning names no category or hint:\n%s", logs.String())
	}
	now = now.Add(time.Minute)
	process(4, rankShift("u4", "Books"))
	if n := strings.Count(logs.String(), "reason=no_candidates"); n != 2 || !strings.Contains(logs.String(), "category=Books") || !strings.Contains(logs.String(), "shifts=3") {
		t.Errorf("after a minute, want a second warning for Books counting 3 shifts:\n%s", logs.String())
	}

	shown := rankShift("u5", "appliances.kitchen.kettle")
	shown.Summary.Purchased = []string{"k1"}
	process(5, shown)
	for reason, want := range map[string]float64{catalog.ReasonNoCandidates: 4, catalog.ReasonAllRecentlyShown: 1, catalog.ReasonOutsidePriceBand: 0} {
		if got := value(s.metrics.noProduct.WithLabelValues(reason)); got != want {
			t.Errorf("no_product_total{reason=%s} = %v, want %v", reason, got, want)
		}
	}
	if got := count(s, resultNoProduct); got != 5 {
		t.Errorf("shifts_total{result=no_product} = %v, want 5", got)
	}
}

func creativeTemplate() creative.Generator { return creative.NewTemplate(creative.Guard{}) }
