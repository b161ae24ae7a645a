package clickhouse

import (
	"context"
	"fmt"
	"sort"

	"github.com/adshift/adshift/schemas"
)

// SummaryRow is the outcome of the ads of one (arm, generator kind, group). Every count is of
// distinct ids, so redelivered rows never inflate it.
type SummaryRow struct {
	Arm           string  `json:"arm"`
	GeneratorKind string  `json:"generator_kind"`
	Group         string  `json:"group"`
	Ads           uint64  `json:"ads"`
	Impressions   uint64  `json:"impressions"`
	Clicks        uint64  `json:"clicks"`
	Conversions   uint64  `json:"conversions"`
	CTR           float64 `json:"ctr"` // clicks / impressions; 0 without impressions
	Revenue       float64 `json:"revenue"`
}

// Summary is what the report reads: outcomes per (arm, generator kind, group), their totals, and
// failed inputs per failure kind. Events whose ad is not (yet) in ads land in a row with an empty
// arm, generator kind and group.
type Summary struct {
	Rows     []SummaryRow      `json:"rows"` // ordered by arm, generator kind, group
	Total    SummaryRow        `json:"total"`
	Failures map[string]uint64 `json:"failures"`
}

type summaryKey struct{ arm, kind, group string }

// Summary reads the evaluation summary.
func (c *Client) Summary(ctx context.Context) (Summary, error) {
	byKey := map[summaryKey]*SummaryRow{}
	row := func(k summaryKey) *SummaryRow {
		r := byKey[k]
		if r == nil {
			r = &SummaryRow{Arm: k.arm, GeneratorKind: k.kind, Group: k.group}
			byKey[k] = r
		}
		return r
	}

	ads, err := c.conn.Query(ctx, "SELECT arm, generator_kind, `group`, uniqExact(ad_id) FROM "+c.table(TableAds)+
		" GROUP BY arm, generator_kind, `group`")
	if err != nil {
		return Summary{}, fmt.Errorf("summary of ads: %w", err)
	}
	defer ads.Close()
	for ads.Next() {
		var k summaryKey
		var n uint64
		if err := ads.Scan(&k.arm, &k.kind, &k.group, &n); err != nil {
			return Summary{}, fmt.Errorf("summary of ads: %w", err)
		}
		row(k).Ads = n
	}
	if err := ads.Err(); err != nil {
		return Summary{}, fmt.Errorf("summary of ads: %w", err)
	}

	// Each side is first reduced to one row per id, so duplicates not yet merged away by
	// ReplacingMergeTree count once. ANY LEFT JOIN ... USING is the join ClickHouse 18.16 and
	// current releases both accept; aliases differ from column names so none shadows a column
	// inside an aggregate.
	events, err := c.conn.Query(ctx, `
SELECT arm_, kind_, group_,
       countIf(k = ?), countIf(k = ?), countIf(k = ?), sumIf(rev, k = ?)
FROM (SELECT event_id, any(kind) AS k, any(ad_id) AS ad_id, any(revenue) AS rev
      FROM `+c.table(TableAdEvents)+` GROUP BY event_id)
ANY LEFT JOIN
     (SELECT ad_id, any(arm) AS arm_, any(generator_kind) AS kind_, any(`+"`group`"+`) AS group_
      FROM `+c.table(TableAds)+` GROUP BY ad_id)
USING ad_id
GROUP BY arm_, kind_, group_`,
		schemas.Impression, schemas.Click, schemas.Conversion, schemas.Conversion)
	if err != nil {
		return Summary{}, fmt.Errorf("summary of ad events: %w", err)
	}
	defer events.Close()
	for events.Next() {
		var k summaryKey
		var imp, clk, conv uint64
		var rev float64
		if err := events.Scan(&k.arm, &k.kind, &k.group, &imp, &clk, &conv, &rev); err != nil {
			return Summary{}, fmt.Errorf("summary of ad events: %w", err)
		}
		r := row(k)
		r.Impressions, r.Clicks, r.Conversions, r.Revenue = imp, clk, conv, rev
	}
	if err := events.Err(); err != nil {
		return Summary{}, fmt.Errorf("summary of ad events: %w", err)
	}

	failures, err := c.distinctBy(ctx, TableFailedEvents, "failure_id", "kind")
	if err != nil {
		return Summary{}, err
	}

	s := Summary{Failures: failures}
	for _, r := range byKey {
		r.CTR = ctr(r.Clicks, r.Impressions)
		s.Rows = append(s.Rows, *r)
		s.Total.Ads += r.Ads
		s.Total.Impressions += r.Impressions
		s.Total.Clicks += r.Clicks
		s.Total.Conversions += r.Conversions
		s.Total.Revenue += r.Revenue
	}
	s.Total.CTR = ctr(s.Total.Clicks, s.Total.Impressions)
	sort.Slice(s.Rows, func(i, j int) bool {
		a, b := s.Rows[i], s.Rows[j]
		if a.Arm != b.Arm {
			return a.Arm < b.Arm
		}
		if a.GeneratorKind != b.GeneratorKind {
			return a.GeneratorKind < b.GeneratorKind
		}
		return a.Group < b.Group
	})
	return s, nil
}

func ctr(clicks, impressions uint64) float64 {
	if impressions == 0 {
		return 0
	}
	return float64(clicks) / float64(impressions)
}

// Counts returns exact distinct-id counts: "ads", "ad_events", "failed_events", and per kind
// "ad_events.<kind>" and "failed_events.<kind>". Kinds with no rows are absent.
func (c *Client) Counts(ctx context.Context) (map[string]uint64, error) {
	out := map[string]uint64{}
	for _, t := range []struct{ table, id string }{
		{TableAds, "ad_id"}, {TableAdEvents, "event_id"}, {TableFailedEvents, "failure_id"},
	} {
		var n uint64
		if err := c.conn.QueryRow(ctx, "SELECT uniqExact("+t.id+") FROM "+c.table(t.table)).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.table, err)
		}
		out[t.table] = n
		if t.table == TableAds {
			continue
		}
		perKind, err := c.distinctBy(ctx, t.table, t.id, "kind")
		if err != nil {
			return nil, err
		}
		for kind, n := range perKind {
			out[t.table+"."+kind] = n
		}
	}
	return out, nil
}

// distinctBy counts distinct ids of table per value of column.
func (c *Client) distinctBy(ctx context.Context, table, id, column string) (map[string]uint64, error) {
	rows, err := c.conn.Query(ctx, "SELECT "+column+", uniqExact("+id+") FROM "+c.table(table)+" GROUP BY "+column)
	if err != nil {
		return nil, fmt.Errorf("count %s by %s: %w", table, column, err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var v string
		var n uint64
		if err := rows.Scan(&v, &n); err != nil {
			return nil, fmt.Errorf("count %s by %s: %w", table, column, err)
		}
		out[v] = n
	}
	return out, rows.Err()
}
