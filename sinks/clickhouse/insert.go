package clickhouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/adshift/adshift/schemas"
)

// Tables the Writer fills, in flush order.
const (
	TableAds          = "ads"
	TableAdEvents     = "ad_events"
	TableFailedEvents = "failed_events"
)

const (
	adColumns = "ad_id, user, profile_version, product_id, product_title, brand, category, price, currency, " +
		"headline, body, cta, locale, segment, arm, policy, propensity, experiment, `group`, " +
		"generator_kind, model, prompt_version, tokens, latency_ms, reason, created_at, expires_at"
	eventColumns   = "event_id, kind, ad_id, impression_id, product_id, user, revenue, currency, order_id, attribution, event_time"
	failureColumns = "failure_id, kind, detail, stage, topic, partition, offset, payload, failed_at"
)

// insert sends rows of one table as one batch insert with its columns named. It sends nothing
// for a table with no rows.
func (c *Client) insert(ctx context.Context, table string, rows schemas.Rows) error {
	var columns string
	var n int
	switch table {
	case TableAds:
		columns, n = adColumns, len(rows.Ads)
	case TableAdEvents:
		columns, n = eventColumns, len(rows.Events)
	case TableFailedEvents:
		columns, n = failureColumns, len(rows.Failures)
	default:
		panic("clickhouse: insert into unknown table " + table)
	}
	if n == 0 {
		return nil
	}
	if c.caps.InsertDedupToken {
		// The Writer retries with identical rows, so the token is identical and a retry of an
		// insert that did land (its acknowledgement lost) is dropped by the server.
		ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"insert_deduplication_token": dedupToken(table, rows)}))
	}
	batch, err := c.conn.PrepareBatch(ctx, "INSERT INTO "+c.table(table)+" ("+columns+")")
	if err != nil {
		return err
	}
	if err := appendRows(batch, table, rows); err != nil {
		_ = batch.Abort()
		return err
	}
	return batch.Send()
}

func appendRows(batch driver.Batch, table string, rows schemas.Rows) error {
	switch table {
	case TableAds:
		for _, a := range rows.Ads {
			err := batch.Append(a.AdID, a.User, a.ProfileVersion, a.Product.ID, a.Product.Title, a.Product.Brand,
				a.Product.Category, a.Product.Price, a.Product.Currency, a.Creative.Headline, a.Creative.Body,
				a.Creative.CTA, a.Creative.Locale, a.Strategy.Segment, a.Strategy.Arm, a.Strategy.Policy,
				a.Strategy.Propensity, a.Strategy.Experiment, a.Strategy.Group, a.Generator.Kind, a.Generator.Model,
				a.Generator.PromptVersion, clampUint32(a.Generator.Tokens), a.Generator.LatencyMS, a.Reason,
				a.CreatedAt, a.ExpiresAt)
			if err != nil {
				return fmt.Errorf("ad %s: %w", a.AdID, err)
			}
		}
	case TableAdEvents:
		for _, e := range rows.Events {
			err := batch.Append(e.EventID, e.Kind, e.AdID, e.ImpressionID, e.ProductID, e.User, e.Revenue, e.Currency,
				e.OrderID, e.Attribution, e.EventTime)
			if err != nil {
				return fmt.Errorf("event %s: %w", e.EventID, err)
			}
		}
	case TableFailedEvents:
		for _, f := range rows.Failures {
			err := batch.Append(f.FailureID, string(f.Kind), f.Detail, f.Stage, f.Topic, f.Partition, f.Offset,
				f.Payload, f.FailedAt)
			if err != nil {
				return fmt.Errorf("failed event %s: %w", f.FailureID, err)
			}
		}
	}
	return nil
}

// dedupToken identifies the rows of one table in a batch by their ids, in order.
func dedupToken(table string, rows schemas.Rows) string {
	h := sha256.New()
	h.Write([]byte(table))
	id := func(s string) {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	switch table {
	case TableAds:
		for _, a := range rows.Ads {
			id(a.AdID)
		}
	case TableAdEvents:
		for _, e := range rows.Events {
			id(e.EventID)
		}
	case TableFailedEvents:
		for _, f := range rows.Failures {
			id(f.FailureID)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func clampUint32(n int) uint32 {
	switch {
	case n < 0:
		return 0
	case n > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(n)
}
