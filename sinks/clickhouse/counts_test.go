package clickhouse

import (
	"context"
	"fmt"
)

// distinctCounts returns exact distinct-id counts: "ads", "ad_events", "failed_events", and per kind
// "ad_events.<kind>" and "failed_events.<kind>". Kinds with no rows are absent.
func distinctCounts(ctx context.Context, c *Client) (map[string]uint64, error) {
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
