package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// forgetTables are the tables that hold a shopper's id, with the columns that do. The rest
// hold none and need no delete: schema_migrations; ad_strategies (an ad's experiment, segment,
// arm, group and generator, by ad id) and outcomes_daily (per day and strategy cell, distinct
// event ids as uniqExact states and conversions as (event id, revenue) pairs: counts, never a
// shopper's id); ad_outcomes is a view over ad_events and ads.
var forgetTables = []struct {
	table string
	// where is the condition on the shoppers and its arguments; quoted are their ids as a JSON
	// payload's userId or anonymousId members.
	where func(users, quoted []string) (string, []any)
}{
	{TableAds, byUser},
	{TableAdEvents, byUser},
	// A dead letter names its shopper in user and the record's key in key; one that landed before
	// both columns existed (migration 0013) is found by the id as its payload's userId or
	// anonymousId.
	{TableFailedEvents, func(users, quoted []string) (string, []any) {
		where := "has(?, user) OR has(?, `key`) OR (user = '' AND `key` = '' AND (" +
			strings.Repeat("position(payload, ?) > 0 OR ", len(quoted)-1) + "position(payload, ?) > 0))"
		args := []any{users, users}
		for _, q := range quoted {
			args = append(args, q)
		}
		return where, args
	}},
}

// byUser is the condition on the shoppers of a table whose user column names them.
func byUser(users, _ []string) (string, []any) { return "has(?, user)", []any{users} }

// ErrMutationFailed is returned by Forget when ClickHouse reports a delete it cannot finish.
var ErrMutationFailed = errors.New("clickhouse: delete mutation failed")

// Forgotten is what Forget removed from one table.
type Forgotten struct {
	Table string
	Rows  uint64 // rows of the shoppers found before the delete (through the Distributed table on a cluster)
}

// Forget deletes every row of users from every table that holds a shopper's id, and returns
// once none is left, so a caller can tell the shopper they are gone. A delete is a mutation
// (ALTER TABLE … DELETE, on the replicated local tables ON CLUSTER on a cluster): ClickHouse
// applies it in the background, on 18.16 without mutations_sync, so Forget polls every poll
// until system.mutations says it is done and a count finds no row. A table without rows of them
// gets no mutation, so forgetting again costs only the counts.
func (c *Client) Forget(ctx context.Context, users []string, poll time.Duration) ([]Forgotten, error) {
	if len(users) == 0 {
		return nil, nil
	}
	if poll <= 0 {
		poll = 200 * time.Millisecond
	}
	// The id as the value of the event's userId or anonymousId, as trackers write it (with or
	// without a space after the colon): never as any string in the payload, which could be
	// another shopper's dead letter naming a product or an order of that id.
	var quoted []string
	for _, u := range users {
		q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(u) + `"`
		for _, field := range []string{`"userId":`, `"anonymousId":`, `"userId": `, `"anonymousId": `} {
			quoted = append(quoted, field+q)
		}
	}
	out := make([]Forgotten, 0, len(forgetTables))
	for _, ft := range forgetTables {
		where, args := ft.where(users, quoted)
		n, err := c.countWhere(ctx, ft.table, where, args)
		if err != nil {
			return out, err
		}
		out = append(out, Forgotten{Table: ft.table, Rows: n})
		if n == 0 {
			continue
		}
		local := ft.table
		if c.cluster != "" {
			local += "_local"
		}
		stmt := "ALTER TABLE " + c.table(local) + c.onCluster() + " DELETE WHERE " + where
		if err := c.conn.Exec(ctx, stmt, args...); err != nil {
			return out, fmt.Errorf("delete %d rows of %d shoppers from %s: %w", n, len(users), ft.table, err)
		}
		c.log.Info("clickhouse delete mutation issued", "table", local, "rows", n, "shoppers", len(users))
	}
	for _, f := range out {
		if f.Rows == 0 {
			continue
		}
		if err := c.awaitDeleted(ctx, f.Table, users, quoted, poll); err != nil {
			return out, err
		}
	}
	return out, nil
}

// forgetRounds bounds how often Forget finds rows left once the mutations are done.
const forgetRounds = 50

// countWhere counts the rows of table where holds.
func (c *Client) countWhere(ctx context.Context, table, where string, args []any) (uint64, error) {
	var n uint64
	if err := c.conn.QueryRow(ctx, "SELECT count() FROM "+c.table(table)+" WHERE "+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count shoppers' rows in %s: %w", table, err)
	}
	return n, nil
}

// awaitDeleted waits until table's mutations are done and no row of users is left.
func (c *Client) awaitDeleted(ctx context.Context, table string, users, quoted []string, poll time.Duration) error {
	local := table
	if c.cluster != "" {
		local += "_local"
	}
	var where string
	var args []any
	for _, ft := range forgetTables {
		if ft.table == table {
			where, args = ft.where(users, quoted)
		}
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for again := 0; ; {
		var pending uint64
		if err := c.conn.QueryRow(ctx, "SELECT count() FROM system.mutations WHERE database = ? AND table = ? AND is_done = 0",
			c.database, local).Scan(&pending); err != nil {
			return fmt.Errorf("read the mutations of %s: %w", local, err)
		}
		if pending == 0 {
			n, err := c.countWhere(ctx, table, where, args)
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			// Every mutation this server knows is done and rows are left: rows that landed after
			// the delete was issued (the pipeline still running), which it does not cover, or
			// another replica's mutation still running. A delete again covers the first.
			if again++; again > forgetRounds {
				return fmt.Errorf("%w: %s still holds %d rows of the shoppers after %d deletes", ErrMutationFailed, table, n, again)
			}
			if c.cluster == "" || again%10 == 0 {
				stmt := "ALTER TABLE " + c.table(local) + c.onCluster() + " DELETE WHERE " + where
				if err := c.conn.Exec(ctx, stmt, args...); err != nil {
					return fmt.Errorf("delete %d rows of %d shoppers from %s again: %w", n, len(users), table, err)
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the delete from %s: %w", table, ctx.Err())
		case <-t.C:
		}
	}
}
