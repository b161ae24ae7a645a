package evaluation

import (
	"time"

	"github.com/adshift/adshift/pipeline/stats"
)

// Cell is what happened to the ads of one (segment, arm, generator kind, group), every count of
// distinct ids. Events whose ad has not landed have empty keys.
type Cell struct {
	Segment   string `json:"segment"`
	Arm       string `json:"arm"`
	Generator string `json:"generator"`
	Group     string `json:"group"`
	Counts
}

// Counts are the outcomes of a set of ads: what a Cell holds and a report Row sums.
type Counts struct {
	Ads              uint64 `json:"ads"`
	Tokens           uint64 `json:"tokens"`      // model tokens spent writing the ads
	Impressions      uint64 `json:"impressions"` //
	Clicks           uint64 `json:"clicks"`      // on ads that were shown
	OrphanClicks     uint64 `json:"orphan_clicks"`
	ClickConversions uint64 `json:"click_conversions"` // attributed to a click (last_click)
	ViewConversions  uint64 `json:"view_conversions"`  // attributed to an impression (last_view)
	// Revenue of the attributed conversions by currency: amounts in different currencies are
	// never added up.
	Revenue map[string]float64 `json:"revenue"`
}

// add adds o to c.
func (c *Counts) add(o Counts) {
	c.Ads += o.Ads
	c.Tokens += o.Tokens
	c.Impressions += o.Impressions
	c.Clicks += o.Clicks
	c.OrphanClicks += o.OrphanClicks
	c.ClickConversions += o.ClickConversions
	c.ViewConversions += o.ViewConversions
	for cur, v := range o.Revenue {
		if c.Revenue == nil {
			c.Revenue = map[string]float64{}
		}
		c.Revenue[cur] += v
	}
}

// Activity is one shopper's outcomes on one arm within one time bucket.
type Activity struct {
	User        string    `json:"user"`
	Group       string    `json:"group"`
	Arm         string    `json:"arm"`
	Bucket      time.Time `json:"bucket"` // start of the hour
	Impressions uint64    `json:"impressions"`
	Clicks      uint64    `json:"clicks"`
	Conversions uint64    `json:"conversions"`
}

// Shopper is one shopper's totals in one group over the whole experiment: the unit of the
// guardrails and of variance reduction.
type Shopper struct {
	User        string             `json:"user"`
	Group       string             `json:"group"`
	Impressions uint64             `json:"impressions"`
	Clicks      uint64             `json:"clicks"`
	Conversions uint64             `json:"conversions"`
	Revenue     map[string]float64 `json:"revenue"` // by currency
	Tokens      uint64             `json:"tokens"`  // of the ads made for them
	// Pre is the shopper's engagement before their first ad, the CUPED covariate: the interest
	// events their profile had taken in when the first ad they were shown was made, which no ad
	// can have influenced; 0 for a shopper never shown one.
	Pre float64 `json:"pre"`
}

// Generation is how the ads of one generator kind were written.
type Generation struct {
	Kind      string  `json:"kind"` // llm, template, cache
	Ads       uint64  `json:"ads"`
	Fallbacks uint64  `json:"fallbacks"` // written by the template because the model failed or was skipped
	LatencyMS float64 `json:"latency_ms"`
	// LatencyVar is the variance of one ad's latency (ms²); P50 and P95 its quantiles.
	LatencyVar float64 `json:"latency_var"`
	P50MS      float64 `json:"p50_ms"`
	P95MS      float64 `json:"p95_ms"`
}

// Data is everything the report is built from.
type Data struct {
	Database    string         `json:"database"`
	Cells       []Cell         `json:"cells"`
	Activity    []Activity     `json:"activity"`
	Logged      []stats.Logged `json:"logged"`   // treatment ads shown: segment, arm, propensity, clicked
	Failures    Failures       `json:"failures"` // by stage, then kind
	Shoppers    []Shopper      `json:"shoppers"`
	Generations []Generation   `json:"generations"`
	// SimulatedImpressions are the impressions the demo's simulated delivery (adshift deliver,
	// the demo) made up, told by their event ids; Impressions all of them.
	SimulatedImpressions uint64 `json:"simulated_impressions"`
	Impressions          uint64 `json:"impressions"`
}
