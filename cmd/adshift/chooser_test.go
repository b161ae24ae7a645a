package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sinks/clickhouse"
)

func TestChooserFollowsThePolicy(t *testing.T) {
	a := testApp(t)
	c, stop, err := a.chooser(t.Context(), a.cfg.Creatives.Strategy)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.(*strategy.Assigner); !ok {
		t.Fatalf("policy %q built a %T", a.cfg.Creatives.Strategy.Policy, c)
	}
	if err := stop(t.Context()); err != nil {
		t.Fatal(err)
	}

	a.cfg.Creatives.Strategy.Policy = "nonsense"
	a.cfg.Creatives.Strategy.Arms = []string{"value", "value"}
	if _, _, err := a.chooser(t.Context(), a.cfg.Creatives.Strategy); err == nil {
		t.Fatal("a bad arm list was accepted")
	}
}

func TestThompsonLearnsFromClickHouse(t *testing.T) {
	a := testApp(t)
	ctx := t.Context()
	ch, err := a.clickhouse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	// What the outcomes stage would have landed: in segment audio, personal ads clicked 60 times
	// in 100 impressions, value ads twice in 100.
	var rows schemas.Rows
	for i := range 200 {
		arm := "value"
		if i%2 == 0 {
			arm = "personal"
		}
		id := "ad-" + strconv.Itoa(i)
		rows.Ads = append(rows.Ads, schemas.Ad{AdID: id, User: "u" + strconv.Itoa(i), Product: schemas.Product{ID: "p"},
			Strategy:  schemas.Strategy{Segment: "audio", Arm: arm, Policy: strategy.PolicyThompson, Propensity: 0.5, Experiment: "default", Group: schemas.GroupTreatment},
			CreatedAt: time.Unix(1.7e9, 0), ExpiresAt: time.Unix(1.7e9+86400, 0)})
		at := time.Unix(1.7e9+60, 0)
		rows.Events = append(rows.Events, schemas.AdEvent{EventID: "imp:" + id, Kind: schemas.Impression, AdID: id, User: "u" + strconv.Itoa(i), EventTime: at})
		if (arm == "personal" && i%20 < 12) || (arm == "value" && i%100 == 1) {
			rows.Events = append(rows.Events, schemas.AdEvent{EventID: "clk:" + id, Kind: schemas.Click, AdID: id, User: "u" + strconv.Itoa(i), EventTime: at})
		}
	}
	w, err := clickhouse.NewWriter(ch, a.cfg.ClickHouse, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}

	sc := a.cfg.Creatives.Strategy
	sc.Policy, sc.Arms, sc.HoldoutShare, sc.RefreshInterval = strategy.ChooseThompson, []string{"value", "personal"}, -1, time.Hour
	c, stop, err := a.chooser(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	th, ok := c.(*strategy.Thompson)
	if !ok {
		t.Fatalf("policy thompson built a %T", c)
	}
	// The first refresh runs as the goroutine starts; the next is an hour away.
	waitFor(t, "the first posterior refresh", 30*time.Second, func() bool { return th.Generation() >= 1 })
	personal := 0
	for i := range 1000 {
		s := th.Choose("shopper-"+strconv.Itoa(i), 1, "audio")
		if s.Policy != strategy.PolicyThompson || s.Group != schemas.GroupTreatment {
			t.Fatalf("strategy %+v", s)
		}
		if s.Arm == "personal" {
			personal++
		}
	}
	if personal < 950 {
		t.Errorf("personal (60%% CTR in ClickHouse against 2%%) chosen %d times in 1000", personal)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := stop(sctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
