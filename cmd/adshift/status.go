package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

//go:embed status.html
var statusHTML []byte

const (
	// rateWindow is the least time the page's rates are taken over: between one and two of it.
	rateWindow = 5 * time.Second
	// ctrEvery is how often the page asks ClickHouse again, however many look at it.
	ctrEvery = 5 * time.Second
	// ctrTimeout bounds one ClickHouse query for the page.
	ctrTimeout = 3 * time.Second
	// ctrConfidence is the level of the CTR intervals.
	ctrConfidence = 0.95
)

// statusPage is the live page on http.addr: /status in a browser, /status.json for its script
// (and for anyone's). It reads the stages' counters from the metrics registry as the progress
// lines do, the latest ads from the tap in front of the producer, and CTR by arm from ClickHouse
// once a stage has opened it. It is safe for concurrent use.
type statusPage struct {
	reg        prometheus.Gatherer
	stages     []string
	ads        *adTap
	experiment string
	start      time.Time

	mu           sync.Mutex
	old, older   reading // rates are taken against older, so over rateWindow to 2*rateWindow
	armStats     strategy.Stats
	ctr          *ctrView
	ctrAt        time.Time
	ctrQueryBusy bool
}

type reading struct {
	values gathered
	at     time.Time
}

func newStatusPage(reg prometheus.Gatherer, stages []string, ads *adTap, experiment string, start time.Time) *statusPage {
	return &statusPage{reg: reg, stages: stages, ads: ads, experiment: experiment, start: start}
}

// useClickHouse gives the page where to read CTR by arm from; the first source given stays.
func (p *statusPage) useClickHouse(s strategy.Stats) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.armStats == nil {
		p.armStats = s
	}
}

// statusView is what /status.json answers.
type statusView struct {
	Now        time.Time   `json:"now"`
	UptimeS    float64     `json:"uptime_s"`
	Stages     []stageView `json:"stages"`
	Ads        []adView    `json:"ads"`
	Unreadable int64       `json:"unreadable_ads"`
	// CTR is null when no stage of this process uses ClickHouse.
	CTR *ctrView `json:"ctr"`
}

type stageView struct {
	Stage  string      `json:"stage"`
	Fields []fieldView `json:"fields"`
}

type fieldView struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// adView is an ad as a delivery system shows it.
type adView struct {
	AdID       string    `json:"ad_id"`
	User       string    `json:"user"`
	Headline   string    `json:"headline"`
	Body       string    `json:"body"`
	CTA        string    `json:"cta"`
	Product    string    `json:"product_title"`
	Price      float64   `json:"price"`
	Currency   string    `json:"currency"`
	LandingURL string    `json:"landing_url"`
	ImageURL   string    `json:"image_url"`
	Arm        string    `json:"arm"`
	Segment    string    `json:"segment"`
	Group      string    `json:"group"`
	Generator  string    `json:"generator"`
	CreatedAt  time.Time `json:"created_at"`
}

type ctrView struct {
	Experiment string    `json:"experiment"`
	Confidence float64   `json:"confidence"`
	Arms       []armView `json:"arms"`
	Error      string    `json:"error,omitempty"`
	ReadAt     time.Time `json:"read_at"`
}

// armView is one arm's treatment-group CTR over every segment, with its Wilson interval.
type armView struct {
	Arm         string  `json:"arm"`
	Impressions uint64  `json:"impressions"`
	Clicks      uint64  `json:"clicks"`
	CTR         float64 `json:"ctr"`
	Lo          float64 `json:"lo"`
	Hi          float64 `json:"hi"`
}

func (p *statusPage) routes(mux *http.ServeMux) {
	mux.HandleFunc("/status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(statusHTML)
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/status", http.StatusFound)
	})
	mux.HandleFunc("/status.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(p.view(r.Context(), time.Now()))
	})
}

// view is the page's content at now.
func (p *statusPage) view(ctx context.Context, now time.Time) statusView {
	v := statusView{Now: now.UTC(), UptimeS: now.Sub(p.start).Seconds(), Stages: p.stageViews(now), Ads: []adView{}}
	if p.ads != nil {
		for _, ad := range p.ads.latest() {
			v.Ads = append(v.Ads, toAdView(ad))
		}
		v.Unreadable = p.ads.unreadable.Load()
	}
	v.CTR = p.ctrView(ctx, now)
	return v
}

// stageViews says per stage what its progress line says, rates over the last rateWindow or two.
func (p *statusPage) stageViews(now time.Time) []stageView {
	cur, err := gather(p.reg)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	base := p.older
	if base.values == nil {
		base = reading{at: p.start}
	}
	if now.Sub(p.old.at) >= rateWindow {
		p.older, p.old = p.old, reading{values: cur, at: now}
	}
	p.mu.Unlock()
	out := make([]stageView, 0, len(p.stages))
	for _, stage := range p.stages {
		attrs := stageLine(stage, cur, base.values, now.Sub(base.at), true)
		sv := stageView{Stage: stage}
		for i := 2; i+1 < len(attrs); i += 2 { // attrs[0:2] is "stage", stage
			sv.Fields = append(sv.Fields, fieldView{Name: attrs[i].(string), Value: attrs[i+1]})
		}
		out = append(out, sv)
	}
	return out
}

func toAdView(ad schemas.Ad) adView {
	return adView{
		AdID: ad.AdID, User: ad.User,
		Headline: ad.Creative.Headline, Body: ad.Creative.Body, CTA: ad.Creative.CTA,
		Product: ad.Product.Title, Price: ad.Product.Price, Currency: ad.Product.Currency,
		LandingURL: ad.Product.URL, ImageURL: ad.Product.ImageURL,
		Arm: ad.Strategy.Arm, Segment: ad.Strategy.Segment, Group: ad.Strategy.Group,
		Generator: ad.Generator.Kind, CreatedAt: ad.CreatedAt,
	}
}

// ctrView returns CTR by arm as last read from ClickHouse, reading it again when it is older
// than ctrEvery; nil without ClickHouse.
func (p *statusPage) ctrView(ctx context.Context, now time.Time) *ctrView {
	p.mu.Lock()
	src, cached, fresh := p.armStats, p.ctr, now.Sub(p.ctrAt) < ctrEvery
	if src == nil || fresh || p.ctrQueryBusy {
		p.mu.Unlock()
		return cached
	}
	p.ctrQueryBusy = true
	p.mu.Unlock()

	qctx, cancel := context.WithTimeout(ctx, ctrTimeout)
	defer cancel()
	v := readCTR(qctx, src, p.experiment, now)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ctr, p.ctrAt, p.ctrQueryBusy = v, now, false
	return v
}

// readCTR sums src's treatment-group counts of experiment over segments, per arm.
func readCTR(ctx context.Context, src strategy.Stats, experiment string, now time.Time) *ctrView {
	v := &ctrView{Experiment: experiment, Confidence: ctrConfidence, Arms: []armView{}, ReadAt: now.UTC()}
	rows, err := src.ArmStats(ctx, experiment)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	byArm := map[string]*armView{}
	for _, r := range rows {
		a := byArm[r.Arm]
		if a == nil {
			a = &armView{Arm: r.Arm}
			byArm[r.Arm] = a
		}
		a.Impressions += r.Impressions
		a.Clicks += r.Clicks
	}
	for _, a := range byArm {
		if a.Impressions > 0 {
			a.CTR = float64(a.Clicks) / float64(a.Impressions)
		}
		iv := stats.Wilson(a.Clicks, a.Impressions, ctrConfidence)
		a.Lo, a.Hi = iv.Lo, iv.Hi
		v.Arms = append(v.Arms, *a)
	}
	slices.SortFunc(v.Arms, func(x, y armView) int { return strings.Compare(x.Arm, y.Arm) })
	return v
}
