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
	Ads              uint64  `json:"ads"`
	Tokens           uint64  `json:"tokens"`      // model tokens spent writing the ads
	Impressions      uint64  `json:"impressions"` //
	Clicks           uint64  `json:"clicks"`      // on ads that were shown
	OrphanClicks     uint64  `json:"orphan_clicks"`
	ClickConversions uint64  `json:"click_conversions"` // attributed to a click (last_click)
	ViewConversions  uint64  `json:"view_conversions"`  // attributed to an impression (last_view)
	Revenue          float64 `json:"revenue"`           // of the attributed conversions
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
	c.Revenue += o.Revenue
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

// Data is everything the report is built from.
type Data struct {
	Database string            `json:"database"`
	Cells    []Cell            `json:"cells"`
	Activity []Activity        `json:"activity"`
	Logged   []stats.Logged    `json:"logged"` // treatment ads shown: segment, arm, propensity, clicked
	Failures map[string]uint64 `json:"failures"`
}
