package clickhouse

import (
	"context"
	"fmt"
	"time"
)

// TableOutcomesDaily holds distinct outcome events per day and strategy cell (migration 0014),
// kept by a materialized view as rows land; dashboards read it instead of ad_events.
const TableOutcomesDaily = "outcomes_daily"

// DailyOutcome is one day's distinct events of one kind, attribution and currency in one
// strategy cell, and their revenue (conversions only), in that currency.
type DailyOutcome struct {
	Day                                        time.Time
	Experiment, Segment, Arm, Group, Generator string
	Kind, Attribution, Currency                string
	Events                                     uint64
	Revenue                                    float64
}

// Daily reads outcomes_daily for the days from since (inclusive) on, merging its states: exact
// distinct counts and revenue however often a row was written. Revenue is never summed across
// currencies. A database without the table is a *MissingError.
func (c *Client) Daily(ctx context.Context, since time.Time) (out []DailyOutcome, err error) {
	defer func() { err = c.explain(err) }()
	rows, err := c.conn.Query(ctx, `
SELECT day, experiment, segment, arm, `+"`group`"+`, generator_kind, kind, attribution, currency,
       uniqExactMerge(events), arraySum(arrayMap(x -> tupleElement(x, 2), groupUniqArrayMerge(revenue)))
FROM `+c.table(TableOutcomesDaily)+`
WHERE day >= toDate(?)
GROUP BY day, experiment, segment, arm, `+"`group`"+`, generator_kind, kind, attribution, currency
ORDER BY day, experiment, segment, arm, `+"`group`"+`, generator_kind, kind, attribution, currency`,
		since.UTC().Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("daily outcomes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d DailyOutcome
		if err := rows.Scan(&d.Day, &d.Experiment, &d.Segment, &d.Arm, &d.Group, &d.Generator, &d.Kind,
			&d.Attribution, &d.Currency, &d.Events, &d.Revenue); err != nil {
			return nil, fmt.Errorf("daily outcomes: %w", err)
		}
		d.Day = d.Day.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}
