// Package evaluation turns what the system of record counted (impressions, clicks, conversions
// per segment, arm, generator and group; per-shopper totals per look of a fixed grid; the logged
// propensities) into the report an experimentation team reads: a plain-words summary first (and
// a banner when the demo's simulated delivery made the outcomes up), the sample ratio checks,
// rates with Wilson intervals, the lift of treatment over the holdout with an always-valid
// confidence sequence and the mSPRT p-value it inverts (so the two always agree) beside the
// fixed-horizon interval, each arm against the holdout and the baseline arm (simultaneous
// sequences, Holm-adjusted p), power and time to detect, guardrails with intervals, CUPED
// variance reduction, off-policy estimates of "always this arm" policies, and model cost per
// click and per conversion when a price is set. It renders the report as terminal tables and as
// a self-contained HTML page with SVG charts.
//
// File map: report.go builds it; lift.go and sequential.go the lifts and their always-valid
// tests; arms.go the per-arm family; power.go, guardrails.go, cuped.go, srm.go, summary.go one
// statistic each; text.go, text_more.go, html.go and format.go render.
//
// It reads nothing itself: the ClickHouse sink fills Data. Build and the renderers are pure
// functions, safe for concurrent use.
package evaluation
