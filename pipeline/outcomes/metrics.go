package outcomes

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
)

// What became of an input record, as counted in adshift_outcomes_records_total{result}.
const (
	resultAd             = "ad"              // an ads row
	resultImpression     = "impression"      // an impression row
	resultClick          = "click"           // a click row
	resultConversion     = "conversion"      // an attributed conversion row
	resultUnattributed   = "unattributed"    // an order no ad is credited with: no row
	resultDuplicateOrder = "duplicate_order" // an order id already attributed: no row

	// Clicks that can earn no credit; each is also counted as a click and lands as a row.
	resultClickNoImpression = "click_without_impression" // no impression of its ad seen before it
	resultClickNoProduct    = "click_without_product"    // names no product_id to match orders with
	resultFailure           = "failure"                  // a failed_events row
	resultUndecodable       = "undecodable"              // unreadable; the features stage dead-letters clickstream input
	resultIgnored           = "ignored"                  // an event that is not an outcome
	// resultConsentRefused: a promotion or order whose consent preferences refuse advertising:
	// measuring an ad's effect on the shopper is advertising use, so it lands no row.
	resultConsentRefused = "consent_refused"
	// resultForgotten: a record of a shopper forgotten on a deletion request: no row.
	resultForgotten = "forgotten"
)

type metrics struct {
	records *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	records := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "adshift", Subsystem: "outcomes", Name: "records_total",
		Help: "Records read by the outcomes stage, by what became of them.",
	}, []string{"result"})
	// Two stages built on one registry share the counter.
	r := pipeline.NewRegistration(reg)
	records = pipeline.Add(r, records)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return &metrics{records: records}, nil
}

func (m *metrics) add(result string, n int) {
	if n > 0 {
		m.records.WithLabelValues(result).Add(float64(n))
	}
}
