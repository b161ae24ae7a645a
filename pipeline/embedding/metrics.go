package embedding

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// Results of a Closeness lookup, as counted in adshift_embedding_closeness_total{result}.
const (
	resultEmbedded   = "embedded"    // scored by the vectors
	resultNoProduct  = "no_product"  // the product has no vector: fallback
	resultNoInterest = "no_interest" // the interest has no vector (yet): fallback
)

type closenessMetrics struct {
	lookups  *prometheus.CounterVec
	byResult map[string]prometheus.Counter // resolved once: lookups are on ranking's hot path
}

func newClosenessMetrics(reg prometheus.Registerer) (*closenessMetrics, error) {
	m := &closenessMetrics{lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "adshift", Subsystem: "embedding", Name: "closeness_total",
		Help: "Products scored for an interest: embedded (by vectors), no_product or no_interest (no vector: scored by the category taxonomy).",
	}, []string{"result"})}
	r := pipeline.NewRegistration(reg)
	m.lookups = pipeline.Add(r, m.lookups)
	if err := r.Err(); err != nil {
		return nil, err
	}
	m.byResult = map[string]prometheus.Counter{}
	for _, res := range []string{resultEmbedded, resultNoProduct, resultNoInterest} {
		m.byResult[res] = m.lookups.WithLabelValues(res)
	}
	return m, nil
}

func (m *closenessMetrics) result(r string) {
	if m != nil {
		m.byResult[r].Inc()
	}
}
