// Package evaluation turns what the system of record counted (impressions, clicks, conversions
// per segment, arm, generator and group; per-shopper totals per time bucket; the logged
// propensities) into the report an experimentation team reads: rates with Wilson intervals, the
// lift of treatment over the holdout with a delta-method interval and an always-valid mSPRT
// p-value, off-policy estimates of "always this arm" policies, and model cost per click and per
// conversion. It renders the report as terminal tables and as a self-contained HTML page with SVG
// charts.
//
// It reads nothing itself: the ClickHouse sink fills Data. Build and the renderers are pure
// functions, safe for concurrent use.
package evaluation
