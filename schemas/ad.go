package schemas

import "time"

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
	Creative       Creative      `json:"creative"`
	Strategy       Strategy      `json:"strategy"`
	Generator      GeneratorInfo `json:"generator"`
	Reason         string        `json:"reason"`
	CreatedAt      time.Time     `json:"created_at"`
	ExpiresAt      time.Time     `json:"expires_at"`
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
	Segment    string  `json:"segment"`
	Arm        string  `json:"arm"`
	Policy     string  `json:"policy"`
	Propensity float64 `json:"propensity"`
	Experiment string  `json:"experiment"`
	Group      string  `json:"group"` // treatment | holdout
}

// GeneratorInfo records what wrote the creative and what it cost.
type GeneratorInfo struct {
	Kind          string `json:"kind"` // llm | template | cache
	Model         string `json:"model,omitempty"`
	PromptVersion string `json:"prompt_version"`
	Tokens        int    `json:"tokens"`
	LatencyMS     int64  `json:"latency_ms"`
}
