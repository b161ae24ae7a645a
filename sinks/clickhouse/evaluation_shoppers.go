package clickhouse

import (
	"context"
	"fmt"

	"github.com/adshift/adshift/pipeline/evaluation"
	"github.com/adshift/adshift/schemas"
)

type shopperKey struct{ user, group string }

// shoppers reads each shopper's totals per group: outcomes (conversions and revenue by
// currency) from ad_outcomes, and from their ads the tokens spent and the pre-period covariate,
// the profile version of the ad they were first shown.
func (c *Client) shoppers(ctx context.Context) ([]evaluation.Shopper, error) {
	by := map[shopperKey]*evaluation.Shopper{}
	get := func(k shopperKey) *evaluation.Shopper {
		s := by[k]
		if s == nil {
			s = &evaluation.Shopper{User: k.user, Group: k.group, Revenue: map[string]float64{}}
			by[k] = s
		}
		return s
	}
	rows, err := c.conn.Query(ctx, `
SELECT user, `+"`group`"+`, currency, countIf(kind = ?), countIf(kind = ? AND shown), countIf(kind = ?), sumIf(revenue, kind = ?)
FROM `+c.outcomes()+`
WHERE `+"`group`"+` != ''
GROUP BY user, `+"`group`"+`, currency`, schemas.Impression, schemas.Click, schemas.Conversion, schemas.Conversion)
	if err != nil {
		return nil, fmt.Errorf("evaluation: shoppers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k shopperKey
		var cur string
		var imp, clk, conv uint64
		var rev float64
		if err := rows.Scan(&k.user, &k.group, &cur, &imp, &clk, &conv, &rev); err != nil {
			return nil, fmt.Errorf("evaluation: shoppers: %w", err)
		}
		s := get(k)
		s.Impressions += imp
		s.Clicks += clk
		s.Conversions += conv
		if conv > 0 {
			s.Revenue[cur] += rev
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("evaluation: shoppers: %w", err)
	}
	if err := c.shopperAds(ctx, get); err != nil {
		return nil, err
	}
	out := make([]evaluation.Shopper, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	return out, nil
}

// shopperAds fills in the tokens of each shopper's ads, and the covariate: the interest events
// their profile had taken in at the shift of their first ad shown, fixed before they saw any ad.
func (c *Client) shopperAds(ctx context.Context, get func(shopperKey) *evaluation.Shopper) error {
	rows, err := c.conn.Query(ctx, `
SELECT user_, group_, sum(tokens_)
FROM (SELECT ad_id, any(user) AS user_, any(`+"`group`"+`) AS group_, any(tokens) AS tokens_
      FROM `+c.table(TableAds)+` GROUP BY ad_id)
WHERE group_ != ''
GROUP BY user_, group_`)
	if err != nil {
		return fmt.Errorf("evaluation: shoppers' ads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k shopperKey
		var tokens uint64
		if err := rows.Scan(&k.user, &k.group, &tokens); err != nil {
			return fmt.Errorf("evaluation: shoppers' ads: %w", err)
		}
		get(k).Tokens = tokens
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("evaluation: shoppers' ads: %w", err)
	}
	return c.shopperPre(ctx, get)
}

// shopperPre fills in each shopper's pre-period covariate: pre_events of the ad of their first
// impression (0 for ads written before migration 0014).
func (c *Client) shopperPre(ctx context.Context, get func(shopperKey) *evaluation.Shopper) error {
	rows, err := c.conn.Query(ctx, `
SELECT user, group_, argMin(pre_, event_time)
FROM (SELECT event_id, any(ad_id) AS ad_id, any(user) AS user, any(event_time) AS event_time
      FROM `+c.table(TableAdEvents)+` WHERE kind = ? GROUP BY event_id)
ANY INNER JOIN
     (SELECT ad_id, any(pre_events) AS pre_, any(`+"`group`"+`) AS group_ FROM `+c.table(TableAds)+` GROUP BY ad_id)
USING ad_id
WHERE group_ != ''
GROUP BY user, group_`, schemas.Impression)
	if err != nil {
		return fmt.Errorf("evaluation: shoppers' first ads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k shopperKey
		var pre uint64
		if err := rows.Scan(&k.user, &k.group, &pre); err != nil {
			return fmt.Errorf("evaluation: shoppers' first ads: %w", err)
		}
		get(k).Pre = float64(pre)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("evaluation: shoppers' first ads: %w", err)
	}
	return nil
}

// generations reads, per generator kind, the ads written, the template's fallbacks for the model
// and the generation latency's mean, variance and quantiles.
func (c *Client) generations(ctx context.Context) ([]evaluation.Generation, error) {
	rows, err := c.conn.Query(ctx, `
SELECT kind_, count(), countIf(fallback_ != ''), avg(latency_), varPop(latency_),
       quantileExact(0.5)(latency_), quantileExact(0.95)(latency_)
FROM (SELECT ad_id, any(generator_kind) AS kind_, any(fallback) AS fallback_, toFloat64(any(latency_ms)) AS latency_
      FROM `+c.table(TableAds)+` GROUP BY ad_id)
GROUP BY kind_
ORDER BY kind_`)
	if err != nil {
		return nil, fmt.Errorf("evaluation: generation: %w", err)
	}
	defer rows.Close()
	var out []evaluation.Generation
	for rows.Next() {
		var g evaluation.Generation
		if err := rows.Scan(&g.Kind, &g.Ads, &g.Fallbacks, &g.LatencyMS, &g.LatencyVar, &g.P50MS, &g.P95MS); err != nil {
			return nil, fmt.Errorf("evaluation: generation: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// simulatedImpressions counts the impressions the demo's simulated delivery made (their
// Promotion Viewed messageId is "view:<ad id>", so their event id "imp:view:…") among all.
func (c *Client) simulatedImpressions(ctx context.Context) (simulated, all uint64, err error) {
	row := c.conn.QueryRow(ctx, `
SELECT countIf(event_id LIKE 'imp:view:%'), count()
FROM (SELECT event_id, any(kind) AS kind FROM `+c.table(TableAdEvents)+` GROUP BY event_id)
WHERE kind = ?`, schemas.Impression)
	if err := row.Scan(&simulated, &all); err != nil {
		return 0, 0, fmt.Errorf("evaluation: simulated impressions: %w", err)
	}
	return simulated, all, nil
}
