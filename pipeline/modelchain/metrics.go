package modelchain

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// Results of model requests, as counted in adshift_creatives_model_requests_total{result}.
const (
	resultOK          = "ok"
	resultRateLimited = "rate_limited"
	resultUnavailable = "unavailable"
	resultFailed      = "error"
	resultBudget      = "budget"       // not sent: the minute's budget is spent
	resultBreakerOpen = "breaker_open" // not sent: the breaker is open
)

// modelMetrics are the model chain's metrics. A nil *modelMetrics records nothing.
type modelMetrics struct {
	requests *prometheus.CounterVec // by result
	tokens   *prometheus.CounterVec // by kind: prompt, completion
	latency  prometheus.Histogram
	breaker  prometheus.Gauge
	cache    *prometheus.CounterVec // by result: hit, miss, shared
}

// newModelMetrics registers the model chain's metrics on reg; nil reg: unregistered.
func newModelMetrics(reg prometheus.Registerer) (*modelMetrics, error) {
	m := &modelMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "model_requests_total",
			Help: "Requests to the language model by result; budget and breaker_open were not sent.",
		}, []string{"result"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "model_tokens_total",
			Help: "Tokens the language model reported, by kind (prompt, completion).",
		}, []string{"kind"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "model_request_seconds",
			Help:    "Latency of language-model requests, failed ones included.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32},
		}),
		breaker: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "model_breaker_state",
			Help: "The model circuit breaker: 0 closed, 1 half-open (probing), 2 open (templates only).",
		}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "adshift", Subsystem: "creatives", Name: "cache_lookups_total",
			Help: "Creative cache lookups: hit, miss (the model was asked), shared (waited on an identical request in flight).",
		}, []string{"result"}),
	}
	r := pipeline.NewRegistration(reg)
	m.requests = pipeline.Add(r, m.requests)
	m.tokens = pipeline.Add(r, m.tokens)
	m.latency = pipeline.Add(r, m.latency)
	m.breaker = pipeline.Add(r, m.breaker)
	m.cache = pipeline.Add(r, m.cache)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *modelMetrics) request(err error) {
	switch {
	case err == nil:
		m.requestResult(resultOK)
	case errors.Is(err, ErrRateLimited):
		m.requestResult(resultRateLimited)
	case errors.Is(err, ErrUnavailable):
		m.requestResult(resultUnavailable)
	default:
		m.requestResult(resultFailed)
	}
}

func (m *modelMetrics) requestResult(result string) {
	if m != nil {
		m.requests.WithLabelValues(result).Inc()
	}
}

func (m *modelMetrics) usage(c Completion, seconds float64) {
	if m == nil {
		return
	}
	m.tokens.WithLabelValues("prompt").Add(float64(c.PromptTokens))
	m.tokens.WithLabelValues("completion").Add(float64(c.CompletionTokens))
	m.latency.Observe(seconds)
}

func (m *modelMetrics) breakerState(s int) {
	if m != nil {
		m.breaker.Set(float64(s))
	}
}

func (m *modelMetrics) cacheResult(result string) {
	if m != nil {
		m.cache.WithLabelValues(result).Inc()
	}
}
