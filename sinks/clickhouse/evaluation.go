package clickhouse

import (
	"context"
	"fmt"
	"time"

	"github.com/adshift/adshift/pipeline/evaluation"
	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// Evaluation reads what the report is built from. Every count is of distinct ids (the
// ad_outcomes view reduces ad_events to one row per event id and joins its ad), clicks count only
// on ads that were shown, and conversions are split by attribution rule.
// A database or table that is not there is a *MissingError.
// Activity is bucketed by lookEvery (whole seconds; 0 is an hour), the report's look grid.
func (c *Client) Evaluation(ctx context.Context, lookEvery time.Duration) (d evaluation.Data, err error) {
	defer func() { err = c.explain(err) }()
	d = evaluation.Data{Database: c.database}
	if d.Cells, err = c.cells(ctx); err != nil {
		return d, err
	}
	if d.Activity, err = c.activity(ctx, lookEvery); err != nil {
		return d, err
	}
	if d.Logged, err = c.logged(ctx); err != nil {
		return d, err
	}
	if d.Failures, err = c.failures(ctx); err != nil {
		return d, err
	}
	if d.Shoppers, err = c.shoppers(ctx); err != nil {
		return d, err
	}
	if d.Generations, err = c.generations(ctx); err != nil {
		return d, err
	}
	d.SimulatedImpressions, d.Impressions, err = c.simulatedImpressions(ctx)
	return d, err
}

// outcomes is ad_outcomes with shown: whether the event's ad has an impression.
func (c *Client) outcomes() string {
	return "(SELECT *, ad_id IN (" + c.shownAds() + ") AS shown FROM " + c.table(ViewAdOutcomes) + ")"
}

type cellKey struct{ segment, arm, generator, group string }

// cellTable gathers the report's cells by key as the queries fill them in.
type cellTable map[cellKey]*evaluation.Cell

func (t cellTable) cell(k cellKey) *evaluation.Cell {
	x := t[k]
	if x == nil {
		x = &evaluation.Cell{Segment: k.segment, Arm: k.arm, Generator: k.generator, Group: k.group}
		t[k] = x
	}
	return x
}

func (t cellTable) list() []evaluation.Cell {
	out := make([]evaluation.Cell, 0, len(t))
	for _, x := range t {
		out = append(out, *x)
	}
	return out
}

func (c *Client) cells(ctx context.Context) ([]evaluation.Cell, error) {
	t := cellTable{}
	if err := c.adCells(ctx, t); err != nil {
		return nil, err
	}
	if err := c.eventCells(ctx, t); err != nil {
		return nil, err
	}
	return t.list(), nil
}

// adCells fills in each cell's distinct ads and the tokens their generation took.
func (c *Client) adCells(ctx context.Context, t cellTable) error {
	ads, err := c.conn.Query(ctx, `
SELECT segment_, arm_, kind_, group_, count(), sum(tokens_)
FROM (SELECT ad_id, any(segment) AS segment_, any(arm) AS arm_, any(generator_kind) AS kind_,
             any(`+"`group`"+`) AS group_, any(tokens) AS tokens_
      FROM `+c.table(TableAds)+` GROUP BY ad_id)
GROUP BY segment_, arm_, kind_, group_`)
	if err != nil {
		return fmt.Errorf("evaluation: ads: %w", err)
	}
	defer ads.Close()
	for ads.Next() {
		var k cellKey
		var n, tokens uint64
		if err := ads.Scan(&k.segment, &k.arm, &k.generator, &k.group, &n, &tokens); err != nil {
			return fmt.Errorf("evaluation: ads: %w", err)
		}
		x := t.cell(k)
		x.Ads, x.Tokens = n, tokens
	}
	if err := ads.Err(); err != nil {
		return fmt.Errorf("evaluation: ads: %w", err)
	}
	return nil
}

// eventCells fills in each cell's impressions, clicks, conversions and revenue.
func (c *Client) eventCells(ctx context.Context, t cellTable) error {
	events, err := c.conn.Query(ctx, `
SELECT segment, arm, generator_kind, `+"`group`"+`,
       countIf(kind = ?), countIf(kind = ? AND shown), countIf(kind = ? AND NOT shown),
       countIf(kind = ? AND attribution = ?), countIf(kind = ? AND attribution = ?)
FROM `+c.outcomes()+`
GROUP BY segment, arm, generator_kind, `+"`group`",
		schemas.Impression, schemas.Click, schemas.Click,
		schemas.Conversion, schemas.AttributionClick, schemas.Conversion, schemas.AttributionView)
	if err != nil {
		return fmt.Errorf("evaluation: events: %w", err)
	}
	defer events.Close()
	for events.Next() {
		var k cellKey
		var imp, clk, orphan, cc, vc uint64
		if err := events.Scan(&k.segment, &k.arm, &k.generator, &k.group, &imp, &clk, &orphan, &cc, &vc); err != nil {
			return fmt.Errorf("evaluation: events: %w", err)
		}
		x := t.cell(k)
		x.Impressions, x.Clicks, x.OrphanClicks, x.ClickConversions, x.ViewConversions = imp, clk, orphan, cc, vc
	}
	if err := events.Err(); err != nil {
		return fmt.Errorf("evaluation: events: %w", err)
	}
	return c.revenueCells(ctx, t)
}

// revenueCells fills in each cell's attributed revenue, by currency.
func (c *Client) revenueCells(ctx context.Context, t cellTable) error {
	rows, err := c.conn.Query(ctx, `
SELECT segment, arm, generator_kind, `+"`group`"+`, currency, sum(revenue)
FROM `+c.outcomes()+`
WHERE kind = ?
GROUP BY segment, arm, generator_kind, `+"`group`"+`, currency`, schemas.Conversion)
	if err != nil {
		return fmt.Errorf("evaluation: revenue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k cellKey
		var cur string
		var rev float64
		if err := rows.Scan(&k.segment, &k.arm, &k.generator, &k.group, &cur, &rev); err != nil {
			return fmt.Errorf("evaluation: revenue: %w", err)
		}
		x := t.cell(k)
		if x.Revenue == nil {
			x.Revenue = map[string]float64{}
		}
		x.Revenue[cur] += rev
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("evaluation: revenue: %w", err)
	}
	return nil
}

func (c *Client) activity(ctx context.Context, step time.Duration) ([]evaluation.Activity, error) {
	secs := max(1, int64(step/time.Second))
	if step == 0 {
		secs = 3600
	}
	rows, err := c.conn.Query(ctx, `
SELECT user, `+"`group`"+`, arm, toDateTime(intDiv(toUInt32(event_time), `+fmt.Sprint(secs)+`) * `+fmt.Sprint(secs)+`) AS bucket,
       countIf(kind = ?), countIf(kind = ? AND shown), countIf(kind = ?)
FROM `+c.outcomes()+`
WHERE arm != ''
GROUP BY user, `+"`group`"+`, arm, bucket`,
		schemas.Impression, schemas.Click, schemas.Conversion)
	if err != nil {
		return nil, fmt.Errorf("evaluation: activity: %w", err)
	}
	defer rows.Close()
	var out []evaluation.Activity
	for rows.Next() {
		var a evaluation.Activity
		var bucket time.Time
		if err := rows.Scan(&a.User, &a.Group, &a.Arm, &bucket, &a.Impressions, &a.Clicks, &a.Conversions); err != nil {
			return nil, fmt.Errorf("evaluation: activity: %w", err)
		}
		a.Bucket = bucket.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// logged reads the treatment's shown ads as logged decisions: segment, arm, propensity and
// whether the ad was clicked, grouped with counts.
func (c *Client) logged(ctx context.Context) ([]stats.Logged, error) {
	rows, err := c.conn.Query(ctx, `
SELECT segment, arm, propensity, clicked, count()
FROM (SELECT ad_id, max(kind = ?) AS clicked
      FROM `+c.outcomes()+`
      WHERE shown AND `+"`group`"+` = ? AND kind IN (?, ?)
      GROUP BY ad_id)
ANY INNER JOIN
     (SELECT ad_id, any(segment) AS segment, any(arm) AS arm, any(propensity) AS propensity
      FROM `+c.table(TableAds)+` GROUP BY ad_id)
USING ad_id
GROUP BY segment, arm, propensity, clicked`,
		schemas.Click, schemas.GroupTreatment, schemas.Impression, schemas.Click)
	if err != nil {
		return nil, fmt.Errorf("evaluation: logged decisions: %w", err)
	}
	defer rows.Close()
	var out []stats.Logged
	for rows.Next() {
		var l stats.Logged
		var clicked uint8
		if err := rows.Scan(&l.Context, &l.Action, &l.Propensity, &clicked, &l.Count); err != nil {
			return nil, fmt.Errorf("evaluation: logged decisions: %w", err)
		}
		l.Reward = float64(clicked)
		out = append(out, l)
	}
	return out, rows.Err()
}

// distinctBy counts distinct ids of table per value of column.
// failures counts the dead letters in failed_events once each, by stage and kind.
func (c *Client) failures(ctx context.Context) (evaluation.Failures, error) {
	rows, err := c.conn.Query(ctx, "SELECT stage, kind, uniqExact(failure_id) FROM "+c.table(TableFailedEvents)+" GROUP BY stage, kind")
	if err != nil {
		return nil, fmt.Errorf("count %s by stage and kind: %w", TableFailedEvents, err)
	}
	defer rows.Close()
	out := evaluation.Failures{}
	for rows.Next() {
		var stage, kind string
		var n uint64
		if err := rows.Scan(&stage, &kind, &n); err != nil {
			return nil, fmt.Errorf("count %s by stage and kind: %w", TableFailedEvents, err)
		}
		out.Add(stage, kind, n)
	}
	return out, rows.Err()
}

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
