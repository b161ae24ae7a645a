package schemas

import (
	"encoding/json"
	"time"
)

// Groups of the persistent holdout.
const (
	GroupTreatment = "treatment"
	GroupHoldout   = "holdout"
)

// Generator kinds.
const (
	GeneratorLLM      = "llm"
	GeneratorTemplate = "template"
	GeneratorCache    = "cache"
)

// Ad is published on ads.ready (key = user). AdID is deterministic in (user, profile version,
// arm), so a retried generation publishes the same id and every downstream effect stays idempotent.
type Ad struct {
	AdID           string        `json:"ad_id"`
	User           string        `json:"user"`
	ProfileVersion uint64        `json:"profile_version"`
	Product        Product       `json:"product"`
	Match          Match         `json:"match"`
	Creative       Creative      `json:"creative"`
	Strategy       Strategy      `json:"strategy"`
	Generator      GeneratorInfo `json:"generator"`
	Reason         string        `json:"reason"`
	CreatedAt      time.Time     `json:"created_at"`
	ExpiresAt      time.Time     `json:"expires_at"`
	// InterestModel is the version of the interest model behind the shift, empty when the
	// profile alone predicted the shopper's interest.
	InterestModel string `json:"interest_model,omitempty"`
	// PreEvents is how many interest events the shopper's profile had taken in at the shift this
	// ad was made for (the shift's Events): engagement no ad of this shift can have influenced.
	// The report's variance reduction (CUPED) takes it from each shopper's first ad shown.
	PreEvents uint64 `json:"pre_events,omitempty"`
}

// Match records why the product was chosen for the shopper: its rank among the catalogue
// products scored for them (1 is the best), its score (higher is closer), and the interest it
// serves.
type Match struct {
	Rank     int     `json:"rank"`
	Score    float64 `json:"score"`
	Interest string  `json:"interest,omitempty"`
}

// Product is a catalogue record an ad is grounded on.
type Product struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Brand    string  `json:"brand,omitempty"`
	Category string  `json:"category"` // dotted path, most general first: "electronics.audio.headphone"
	Price    float64 `json:"price"`
	Currency string  `json:"currency"`
	URL      string  `json:"url,omitempty"`
	// ImageURL is the product's picture, when the catalogue has one.
	ImageURL string `json:"image_url,omitempty"`
	// ListPrice is the undiscounted price, when the catalogue has one; copy may state the
	// discount it implies.
	ListPrice float64 `json:"list_price,omitempty"`
}

// Creative is the copy itself.
type Creative struct {
	Headline string `json:"headline"`
	Body     string `json:"body"`
	CTA      string `json:"cta"`
	Locale   string `json:"locale"`
}

// Strategy records how the ad was chosen, so outcomes can be evaluated per arm and off-policy.
type Strategy struct {
	Segment string `json:"segment"`
	Arm     string `json:"arm"`
	Policy  string `json:"policy"`
	// Propensity is the probability of Arm given Group: that the policy picked this arm for a
	// treated shopper, or 1 for a held-out one (the holdout always gets the baseline).
	Propensity float64 `json:"propensity"`
	// UnconditionalPropensity is the probability of Group and Arm together: Propensity times the
	// share of shoppers in Group. It is the weight for estimates across both groups; 0 on ads
	// written before it existed.
	UnconditionalPropensity float64 `json:"unconditional_propensity,omitempty"`
	Experiment              string  `json:"experiment"`
	Group                   string  `json:"group"` // treatment | holdout
}

// Guard verdicts: how a creative got past the guardrails.
const (
	VerdictPass        = "pass"        // the first creative passed
	VerdictRegenerated = "regenerated" // the first broke rules; the model rewrote it with them as feedback
	VerdictFallback    = "fallback"    // the template wrote it: the model failed, was skipped, or broke rules twice
)

// GeneratorInfo records what wrote the creative, what it cost and how it passed the guard.
type GeneratorInfo struct {
	Kind             string `json:"kind"` // llm | template | cache
	Model            string `json:"model,omitempty"`
	PromptVersion    string `json:"prompt_version"`
	Tokens           int    `json:"tokens"` // prompt + completion tokens of every model call for this ad
	PromptTokens     int    `json:"prompt_tokens,omitempty"`
	CompletionTokens int    `json:"completion_tokens,omitempty"`
	LatencyMS        int64  `json:"latency_ms"`
	// ModelCalls counts the requests sent to the model for this ad, retries and the
	// regeneration included; 0 for template copy and cache hits.
	ModelCalls int `json:"model_calls,omitempty"`
	// Verdict is one of the Verdict constants; Violations are the guard rules broken on the way
	// ("field: rule: detail"), by the creatives that were rejected.
	Verdict    string   `json:"verdict,omitempty"`
	Violations []string `json:"violations,omitempty"`
	// Fallback says why the template wrote the copy instead of the model: model_error,
	// breaker_open, budget, guard, malformed.
	Fallback string `json:"fallback,omitempty"`
}

// EncodeAd encodes a as its ads.ready record, the JSON DecodeAd reads back.
func EncodeAd(a *Ad) ([]byte, error) {
	return json.Marshal(a)
}

// DecodeAd decodes and checks a record of ads.ready. Every rejection is a *Failure.
func DecodeAd(data []byte) (Ad, error) {
	var a Ad
	if f := decodeRecord(data, &a); f != nil {
		return Ad{}, f
	}
	switch {
	case a.AdID == "":
		return Ad{}, Failf(SchemaViolation, "ad_id", "missing")
	case a.User == "":
		return Ad{}, Failf(SchemaViolation, "user", "missing")
	case a.Product.ID == "":
		return Ad{}, Failf(SchemaViolation, "product.id", "missing")
	case a.Product.Price < 0:
		return Ad{}, Failf(SchemaViolation, "product.price", "must be non-negative, got %g", a.Product.Price)
	case a.Strategy.Group != GroupTreatment && a.Strategy.Group != GroupHoldout:
		return Ad{}, Failf(SchemaViolation, "strategy.group", "must be %q or %q, got %q", GroupTreatment, GroupHoldout, clip(a.Strategy.Group))
	case a.CreatedAt.IsZero():
		return Ad{}, Failf(SchemaViolation, "created_at", "missing")
	}
	return a, nil
}
