package schemas

import "time"

// Outcome kinds in ad_events.
const (
	Impression = "impression"
	Click      = "click"
	Conversion = "conversion"
)

// Attribution kinds of a conversion.
const (
	AttributionClick = "last_click"
	AttributionView  = "last_view"
	AttributionNone  = ""
)

// AdEvent is one row of ClickHouse ad_events: an impression, click or conversion with its own
// id, so redelivered inputs dedup on EventID. The ad's segment, arm, group and propensity are not
// copied here: the ads row is their one source, joined at query time (view ad_outcomes), so an
// event that lands before its ad is still reported exactly once the ad lands.
type AdEvent struct {
	EventID      string    `json:"event_id"`
	Kind         string    `json:"kind"`
	AdID         string    `json:"ad_id"`
	ImpressionID string    `json:"impression_id,omitempty"`
	ProductID    string    `json:"product_id,omitempty"` // the advertised product the touch named; for a conversion, the one credited
	User         string    `json:"user"`
	Revenue      float64   `json:"revenue,omitempty"`
	Currency     string    `json:"currency,omitempty"`
	OrderID      string    `json:"order_id,omitempty"`
	Attribution  string    `json:"attribution,omitempty"`
	EventTime    time.Time `json:"event_time"`
}

// FailedEvent is one row of ClickHouse failed_events, read back from the dead-letter topic.
type FailedEvent struct {
	FailureID string      `json:"failure_id"` // topic/partition/offset of the original input
	User      string      `json:"user"`       // the shopper the input was about, when it says
	Key       string      `json:"key"`        // the input record's Kafka key
	Kind      FailureKind `json:"kind"`
	Detail    string      `json:"detail"`
	Stage     string      `json:"stage"`
	Topic     string      `json:"topic"`
	Partition int32       `json:"partition"`
	Offset    int64       `json:"offset"`
	Payload   string      `json:"payload"` // the original bytes, cut to a bounded size
	FailedAt  time.Time   `json:"failed_at"`
}

// Rows is what the outcomes stage lands in ClickHouse for one batch.
type Rows struct {
	Ads      []Ad
	Events   []AdEvent
	Failures []FailedEvent
}

// Len counts all rows.
func (r Rows) Len() int { return len(r.Ads) + len(r.Events) + len(r.Failures) }
