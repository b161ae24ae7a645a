package creatives

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// What became of a shift, as counted in adshift_creatives_shifts_total{result}.
const (
	resultAd            = "ad"             // published on ads.ready
	resultRepeated      = "repeated"       // the same shift (shopper, profile version) again in the batch
	resultForgotten     = "forgotten"      // the shopper was forgotten on a deletion request since the shift
	resultNoProduct     = "no_product"     // nothing in the catalogue to advertise
	resultGenerateError = "generate_error" // the generator wrote nothing
	resultGuardRejected = "guard_rejected" // the creative broke a guard rule
	resultDeadLettered  = "dead_lettered"  // undecodable, sent to the DLQ
)

type metrics struct {
	shifts     *prometheus.CounterVec // by result
	noProduct  *prometheus.CounterVec // by catalog.NoProductError reason
	violations *prometheus.CounterVec // by rule
	ads        *prometheus.CounterVec // by generator, verdict, fallback
	tokens     prometheus.Counter
	latency    *prometheus.HistogramVec // by generator
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		shifts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "shifts_total",
			Help: "Profile shifts read by the creatives stage, by what became of them.",
		}, []string{"result"}),
		noProduct: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "no_product_total",
			Help: "Shifts that got no ad because nothing in the catalogue fits, by reason (no_interest, no_candidates, all_recently_shown, outside_price_band).",
		}, []string{"reason"}),
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "guard_violations_total",
			Help: "Guard rules broken by generated creatives, by rule.",
		}, []string{"rule"}),
		ads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "ads_total",
			Help: "Ads published, by what wrote them (llm, cache, template), guard verdict and fallback reason.",
		}, []string{"generator", "verdict", "fallback"}),
		tokens: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "ad_tokens_total",
			Help: "Model tokens spent on published ads, failed and rejected attempts included.",
		}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "generate_seconds",
			Help:    "Time to write a published ad's creative, by what wrote it.",
			Buckets: []float64{0.001, 0.01, 0.1, 0.5, 1, 2, 4, 8, 16, 32},
		}, []string{"generator"}),
	}
	r := pipeline.NewRegistration(reg)
	m.shifts = pipeline.Add(r, m.shifts)
	m.noProduct = pipeline.Add(r, m.noProduct)
	m.violations = pipeline.Add(r, m.violations)
	m.ads = pipeline.Add(r, m.ads)
	m.tokens = pipeline.Add(r, m.tokens)
	m.latency = pipeline.Add(r, m.latency)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// ad counts a published ad's generator, verdict and cost.
func (m *metrics) ad(info schemas.GeneratorInfo) {
	m.ads.WithLabelValues(info.Kind, info.Verdict, info.Fallback).Inc()
	m.tokens.Add(float64(info.Tokens))
	m.latency.WithLabelValues(info.Kind).Observe(float64(info.LatencyMS) / 1000)
}

// ruleOf reads the rule out of a violation written as "field: rule: detail".
func ruleOf(v string) string {
	parts := strings.SplitN(v, ": ", 3)
	if len(parts) < 2 {
		return "unknown"
	}
	return parts[1]
}
