package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// pageState is what the status page shows, read from its DOM.
type pageState struct {
	Polls  int      `json:"polls"`
	Marker bool     `json:"marker"`
	Stages []string `json:"stages"`
	Ads    []struct {
		ID, Text, Href string
	} `json:"ads"`
	Arms []struct {
		Arm, Text string
	} `json:"arms"`
	AdsText, CTRText string
}

const readPage = `(() => ({
  polls: Number((document.body && document.body.dataset.polls) || 0),
  marker: window.testMarker === 1,
  stages: [...document.querySelectorAll(".stage")].map(e => e.innerText),
  ads: [...document.querySelectorAll(".ad")].map(e => ({id: e.dataset.adId, text: e.innerText,
    href: (e.querySelector("a.cta") || {}).href || ""})),
  arms: [...document.querySelectorAll("tr.arm")].map(e => ({arm: e.dataset.arm, text: e.innerText})),
  adsText: (document.getElementById("ads") || {}).innerText || "",
  ctrText: (document.getElementById("ctr") || {}).innerText || "",
}))()`

// The live page in headless Chromium, on a running pipeline with real Kafka and ClickHouse: it
// renders every stage, then, without a reload, shows the ad a shopper's views caused as
// ads.ready has it, the ad's arm's CTR with its Wilson interval once the delivery's view and
// click land in ClickHouse, and every stage's consumer lag once it is looked up; the page logs no
// error on the way.
func TestStatusPageInChromium(t *testing.T) {
	a := testApp(t)
	a.cfg.Catalog.URLTemplate = "https://shop.example/p/{product_id}"
	stop := startRun(t, a, allStages)
	defer stop()
	broker := a.cfg.Kafka.EmbeddedAddr

	b := openPage(t, "http://"+a.cfg.HTTP.Addr+"/")
	var st pageState
	seen := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			b.eval(readPage, &st)
			if cond() {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the page did not show %s within 60s; it shows %+v; errors: %v", what, st, b.errors())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	seen("every stage", func() bool { return len(st.Stages) == len(allStages) })
	for i, stage := range allStages {
		if !strings.HasPrefix(st.Stages[i], stage) {
			t.Errorf("stage card %d: %q, want stage %s", i, st.Stages[i], stage)
		}
	}
	for i, stage := range allStages {
		if (stage == "rekey" || stage == "features") && !strings.Contains(st.Stages[i], "events/s") {
			t.Errorf("%s card has no rate: %q", stage, st.Stages[i])
		}
	}
	if !strings.Contains(st.AdsText, "No ads yet") || !strings.Contains(st.CTRText, "No impressions yet") {
		t.Errorf("before any input the page shows ads %q, CTR %q", st.AdsText, st.CTRText)
	}
	var ok bool
	b.eval("(() => { window.testMarker = 1; return true })()", &ok)
	statusJSON := []string{getStatusJSON(t, a)}

	// A shopper views three products of a category the sample catalogue holds.
	var lines []string
	for i, product := range []string{"1004767", "1004833", "1005115"} {
		lines = append(lines, eventLine(t, schemas.Event{
			Type: "track", Event: schemas.ProductViewed, UserID: "page-shopper", MessageID: fmt.Sprintf("page-%d", i),
			Timestamp:  time.Date(2019, 10, 1, 0, i, 0, 0, time.UTC),
			Properties: schemas.Properties{ProductID: product, Category: "electronics.smartphone", Brand: "samsung", Price: 200, Currency: "USD"},
		}))
	}
	kcat(t, strings.Join(lines, "\n")+"\n", "-P", "-b", broker, "-t", a.cfg.Topics.Clickstream.Name, "-K:")
	value := kcat(t, "", "-C", "-b", broker, "-t", a.cfg.Topics.Ads.Name, "-o", "beginning", "-c", "1", "-f", "%s\n")
	ad, err := schemas.DecodeAd([]byte(strings.TrimSpace(value)))
	if err != nil {
		t.Fatalf("no ad on %s: %v", a.cfg.Topics.Ads.Name, err)
	}

	seen("the ad", func() bool { return len(st.Ads) > 0 })
	got := st.Ads[0]
	if got.ID != ad.AdID {
		t.Errorf("the page shows ad %s, ads.ready has %s", got.ID, ad.AdID)
	}
	for _, want := range []string{ad.Creative.Headline, ad.Creative.Body, ad.Creative.CTA, ad.Product.Title, ad.Strategy.Arm} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the ad card does not show %q:\n%s", want, got.Text)
		}
	}
	if want := "https://shop.example/p/" + ad.Product.ID; ad.Product.URL != want || got.Href != want || !strings.Contains(got.Text, want) {
		t.Errorf("landing URL: ads.ready %q, page link %q, want %q", ad.Product.URL, got.Href, want)
	}
	if !strings.Contains(got.Text, fmt.Sprintf("%.2f", ad.Product.Price)) {
		t.Errorf("the ad card does not show the price %.2f:\n%s", ad.Product.Price, got.Text)
	}

	// The delivery shows the ad and the shopper clicks it.
	promo := func(name, kind string, at time.Time) string {
		return eventLine(t, schemas.Event{
			Type: "track", Event: name, UserID: ad.User, MessageID: kind + ":" + ad.AdID, Timestamp: at,
			Properties: schemas.Properties{PromotionID: ad.AdID, ProductID: ad.Product.ID, Creative: ad.Strategy.Arm, Name: ad.Creative.Headline},
		})
	}
	shown := ad.CreatedAt.Add(time.Minute)
	kcat(t, promo(schemas.PromotionViewed, "view", shown)+"\n"+promo(schemas.PromotionClicked, "click", shown.Add(30*time.Second))+"\n",
		"-P", "-b", broker, "-t", a.cfg.Topics.Clickstream.Name, "-K:")
	seen("the arm's CTR", func() bool { return len(st.Arms) > 0 && strings.Contains(st.Arms[0].Text, "100.00%") })
	iv := stats.Wilson(1, 1, ctrConfidence)
	if st.Arms[0].Arm != ad.Strategy.Arm || !strings.Contains(st.Arms[0].Text, fmt.Sprintf("%.2f%% – %.2f%%", 100*iv.Lo, 100*iv.Hi)) {
		t.Errorf("CTR row %+v, want arm %s with 1 click of 1 impression and interval %.4f–%.4f", st.Arms[0], ad.Strategy.Arm, iv.Lo, iv.Hi)
	}
	// The lag is looked up every 15s; once it is, every stage's card shows it.
	seen("every stage's lag", func() bool {
		for _, card := range st.Stages {
			if !strings.Contains(card, "lag") {
				return false
			}
		}
		return true
	})
	if !st.Marker || st.Polls < 3 {
		t.Errorf("the page was reloaded (marker %v) or polled only %d times", st.Marker, st.Polls)
	}
	statusJSON = append(statusJSON, getStatusJSON(t, a))
	if err := validateJSON(t, "status.json", statusJSON); err != nil {
		t.Errorf("/status.json against schemas/jsonschema/status.json: %v", err)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(errs, "\n"))
	}
}

// eventLine is ev as a kcat -K: line keyed by its user.
func eventLine(t *testing.T, ev schemas.Event) string {
	t.Helper()
	raw, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return ev.UserID + ":" + string(raw)
}

// getStatusJSON returns what /status.json answers now.
func getStatusJSON(t *testing.T, a *app) string {
	t.Helper()
	code, body := get(t, "http://"+a.cfg.HTTP.Addr+"/status.json")
	if code != http.StatusOK {
		t.Fatalf("/status.json: %d %s", code, body)
	}
	return strings.TrimSpace(body)
}

type fakeArmStats struct {
	rows []strategy.ArmStat
	err  error
}

func (f fakeArmStats) ArmStats(context.Context, string) ([]strategy.ArmStat, error) {
	return f.rows, f.err
}

// CTR by arm sums an arm's segments, orders arms by name, and says why ClickHouse could not be read.
func TestReadCTR(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v := readCTR(t.Context(), fakeArmStats{rows: []strategy.ArmStat{
		{Segment: "electronics", Arm: "value", Impressions: 30, Clicks: 3},
		{Segment: "apparel", Arm: "personal", Impressions: 10, Clicks: 0},
		{Segment: "apparel", Arm: "value", Impressions: 70, Clicks: 9},
	}}, "exp1", now)
	if v.Error != "" || v.Experiment != "exp1" || len(v.Arms) != 2 || v.Arms[0].Arm != "personal" || v.Arms[1].Arm != "value" {
		t.Fatalf("arms %+v", v)
	}
	value := v.Arms[1]
	iv := stats.Wilson(12, 100, ctrConfidence)
	if value.Impressions != 100 || value.Clicks != 12 || value.CTR != 0.12 || value.Lo != iv.Lo || value.Hi != iv.Hi {
		t.Errorf("value arm %+v, want 12 of 100 with interval %+v", value, iv)
	}
	if p := v.Arms[0]; p.CTR != 0 || p.Lo != 0 || p.Hi <= 0 {
		t.Errorf("personal arm, no clicks: %+v", p)
	}
	down := readCTR(t.Context(), fakeArmStats{err: errors.New("connection refused")}, "exp1", now)
	if !strings.Contains(down.Error, "connection refused") || len(down.Arms) != 0 {
		t.Errorf("ClickHouse down: %+v", down)
	}
}
