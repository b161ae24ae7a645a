package clickhouse

import (
	"context"
	"fmt"

	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

var _ strategy.Stats = (*Client)(nil)

// ArmStats returns, per (segment, arm) of experiment's treatment group, the distinct impressions
// and the distinct clicks on ads that were shown: the counts a Beta posterior needs. Clicks on an
// ad with no impression are left out, as in the report. Events whose ad has not landed yet are
// counted once it has. It implements strategy.Stats.
func (c *Client) ArmStats(ctx context.Context, experiment string) ([]strategy.ArmStat, error) {
	rows, err := c.conn.Query(ctx, `
SELECT segment, arm, countIf(kind = ?), countIf(kind = ? AND ad_id IN (`+c.shownAds()+`))
FROM `+c.table(ViewAdOutcomes)+`
WHERE experiment = ? AND `+"`group`"+` = ?
GROUP BY segment, arm
ORDER BY segment, arm`,
		schemas.Impression, schemas.Click, experiment, schemas.GroupTreatment)
	if err != nil {
		return nil, fmt.Errorf("arm stats of experiment %q: %w", experiment, err)
	}
	defer rows.Close()
	var out []strategy.ArmStat
	for rows.Next() {
		var s strategy.ArmStat
		if err := rows.Scan(&s.Segment, &s.Arm, &s.Impressions, &s.Clicks); err != nil {
			return nil, fmt.Errorf("arm stats of experiment %q: %w", experiment, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("arm stats of experiment %q: %w", experiment, err)
	}
	return out, nil
}

// ViewAdOutcomes is the view of one row per distinct ad event with its ad's strategy fields.
const ViewAdOutcomes = "ad_outcomes"

// shownAds is a subquery of the ads with at least one impression; a click counts only on those.
func (c *Client) shownAds() string {
	return "SELECT ad_id FROM " + c.table(TableAdEvents) + " WHERE kind = '" + schemas.Impression + "'"
}
