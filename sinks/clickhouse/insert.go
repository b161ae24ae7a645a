package clickhouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/adshift/adshift/schemas"
)

// Tables the Writer fills, in flush order.
const (
	TableAds          = "ads"
	TableAdEvents     = "ad_events"
	TableFailedEvents = "failed_events"
)

// A table is one of the tables the Writer fills. A flush inserts each table's rows from every
// Write in the batch as one insert, appending whole columns (one typed slice each) rather than row
// by row: no value is boxed in an interface, and the driver copies each slice into its column at
// once.
type table[R any] struct {
	name    string
	rows    func(schemas.Rows) []R // the table's rows among a Write's
	id      func(*R) string        // the dedup key
	columns []column[R]            // in the order the insert names them
}

// A column is one column of a table: its name and how to read its values off the rows. values
// returns them as one typed slice and a release to call once the driver has copied them: the
// slices are reused from flush to flush, so a flush leaves no garbage of string headers behind.
type column[R any] struct {
	name   string
	values func(parts [][]R, n int) (any, func())
}

// col is the column name whose value in a row is get(row).
func col[R, T any](name string, get func(*R) T) column[R] {
	var scratch sync.Pool
	return column[R]{name: name, values: func(parts [][]R, n int) (any, func()) {
		p, _ := scratch.Get().(*[]T)
		if p == nil {
			p = new([]T)
		}
		out := slices.Grow((*p)[:0], n)
		for _, rows := range parts {
			for i := range rows {
				out = append(out, get(&rows[i]))
			}
		}
		return out, func() {
			clear(out) // drop the references to the rows' strings before the slice waits in the pool
			*p = out[:0]
			scratch.Put(p)
		}
	}}
}

// inserter is a table of any row type.
type inserter interface {
	table() string
	count(parts []schemas.Rows) int
	insert(ctx context.Context, c *Client, parts []schemas.Rows) error
}

var (
	_ inserter = (*table[schemas.Ad])(nil)

	// tables are the Writer's tables, in flush order: ads first.
	tables = []inserter{&adsTable, &eventsTable, &failuresTable}
)

var adsTable = table[schemas.Ad]{
	name: TableAds,
	rows: func(r schemas.Rows) []schemas.Ad { return r.Ads },
	id:   func(a *schemas.Ad) string { return a.AdID },
	columns: []column[schemas.Ad]{
		col("ad_id", func(a *schemas.Ad) string { return a.AdID }),
		col("user", func(a *schemas.Ad) string { return a.User }),
		col("profile_version", func(a *schemas.Ad) uint64 { return a.ProfileVersion }),
		col("product_id", func(a *schemas.Ad) string { return a.Product.ID }),
		col("product_title", func(a *schemas.Ad) string { return a.Product.Title }),
		col("brand", func(a *schemas.Ad) string { return a.Product.Brand }),
		col("category", func(a *schemas.Ad) string { return a.Product.Category }),
		col("price", func(a *schemas.Ad) float64 { return a.Product.Price }),
		col("currency", func(a *schemas.Ad) string { return a.Product.Currency }),
		col("headline", func(a *schemas.Ad) string { return a.Creative.Headline }),
		col("body", func(a *schemas.Ad) string { return a.Creative.Body }),
		col("cta", func(a *schemas.Ad) string { return a.Creative.CTA }),
		col("locale", func(a *schemas.Ad) string { return a.Creative.Locale }),
		col("segment", func(a *schemas.Ad) string { return a.Strategy.Segment }),
		col("arm", func(a *schemas.Ad) string { return a.Strategy.Arm }),
		col("policy", func(a *schemas.Ad) string { return a.Strategy.Policy }),
		col("propensity", func(a *schemas.Ad) float64 { return a.Strategy.Propensity }),
		col("unconditional_propensity", func(a *schemas.Ad) float64 { return a.Strategy.UnconditionalPropensity }),
		col("pre_events", func(a *schemas.Ad) uint64 { return a.PreEvents }),
		col("experiment", func(a *schemas.Ad) string { return a.Strategy.Experiment }),
		col("`group`", func(a *schemas.Ad) string { return a.Strategy.Group }),
		col("generator_kind", func(a *schemas.Ad) string { return a.Generator.Kind }),
		col("model", func(a *schemas.Ad) string { return a.Generator.Model }),
		col("prompt_version", func(a *schemas.Ad) string { return a.Generator.PromptVersion }),
		col("tokens", func(a *schemas.Ad) uint32 { return clampUint32(a.Generator.Tokens) }),
		col("latency_ms", func(a *schemas.Ad) int64 { return a.Generator.LatencyMS }),
		col("prompt_tokens", func(a *schemas.Ad) uint32 { return clampUint32(a.Generator.PromptTokens) }),
		col("completion_tokens", func(a *schemas.Ad) uint32 { return clampUint32(a.Generator.CompletionTokens) }),
		col("model_calls", func(a *schemas.Ad) uint32 { return clampUint32(a.Generator.ModelCalls) }),
		col("verdict", func(a *schemas.Ad) string { return a.Generator.Verdict }),
		col("violations", func(a *schemas.Ad) []string { return nonNil(a.Generator.Violations) }),
		col("fallback", func(a *schemas.Ad) string { return a.Generator.Fallback }),
		col("interest_model", func(a *schemas.Ad) string { return a.InterestModel }),
		col("match_rank", func(a *schemas.Ad) uint32 { return clampUint32(a.Match.Rank) }),
		col("match_score", func(a *schemas.Ad) float64 { return a.Match.Score }),
		col("match_interest", func(a *schemas.Ad) string { return a.Match.Interest }),
		col("reason", func(a *schemas.Ad) string { return a.Reason }),
		col("created_at", func(a *schemas.Ad) time.Time { return a.CreatedAt }),
		col("expires_at", func(a *schemas.Ad) time.Time { return a.ExpiresAt }),
	},
}

var eventsTable = table[schemas.AdEvent]{
	name: TableAdEvents,
	rows: func(r schemas.Rows) []schemas.AdEvent { return r.Events },
	id:   func(e *schemas.AdEvent) string { return e.EventID },
	columns: []column[schemas.AdEvent]{
		col("event_id", func(e *schemas.AdEvent) string { return e.EventID }),
		col("kind", func(e *schemas.AdEvent) string { return e.Kind }),
		col("ad_id", func(e *schemas.AdEvent) string { return e.AdID }),
		col("impression_id", func(e *schemas.AdEvent) string { return e.ImpressionID }),
		col("product_id", func(e *schemas.AdEvent) string { return e.ProductID }),
		col("user", func(e *schemas.AdEvent) string { return e.User }),
		col("revenue", func(e *schemas.AdEvent) float64 { return e.Revenue }),
		col("currency", func(e *schemas.AdEvent) string { return e.Currency }),
		col("order_id", func(e *schemas.AdEvent) string { return e.OrderID }),
		col("attribution", func(e *schemas.AdEvent) string { return e.Attribution }),
		col("event_time", func(e *schemas.AdEvent) time.Time { return e.EventTime }),
	},
}

var failuresTable = table[schemas.FailedEvent]{
	name: TableFailedEvents,
	rows: func(r schemas.Rows) []schemas.FailedEvent { return r.Failures },
	id:   func(f *schemas.FailedEvent) string { return f.FailureID },
	columns: []column[schemas.FailedEvent]{
		col("failure_id", func(f *schemas.FailedEvent) string { return f.FailureID }),
		col("user", func(f *schemas.FailedEvent) string { return f.User }),
		col("`key`", func(f *schemas.FailedEvent) string { return f.Key }),
		col("kind", func(f *schemas.FailedEvent) string { return string(f.Kind) }),
		col("detail", func(f *schemas.FailedEvent) string { return f.Detail }),
		col("stage", func(f *schemas.FailedEvent) string { return f.Stage }),
		col("topic", func(f *schemas.FailedEvent) string { return f.Topic }),
		col("partition", func(f *schemas.FailedEvent) int32 { return f.Partition }),
		col("offset", func(f *schemas.FailedEvent) int64 { return f.Offset }),
		col("payload", func(f *schemas.FailedEvent) string { return f.Payload }),
		col("failed_at", func(f *schemas.FailedEvent) time.Time { return f.FailedAt }),
	},
}

func (t *table[R]) table() string { return t.name }

func (t *table[R]) count(parts []schemas.Rows) int {
	n := 0
	for _, p := range parts {
		n += len(t.rows(p))
	}
	return n
}

// columnList names the table's columns for an INSERT, in order.
func (t *table[R]) columnList() string {
	names := make([]string, len(t.columns))
	for i, col := range t.columns {
		names[i] = col.name
	}
	return strings.Join(names, ", ")
}

// insert sends the table's rows among parts, in order, as one batch insert with its columns
// named. It sends nothing when there are none.
func (t *table[R]) insert(ctx context.Context, c *Client, parts []schemas.Rows) error {
	var rows [][]R
	n := 0
	for _, p := range parts {
		if r := t.rows(p); len(r) > 0 {
			rows = append(rows, r)
			n += len(r)
		}
	}
	if n == 0 {
		return nil
	}
	if c.caps.InsertDedupToken {
		// The Writer retries with identical rows, so the token is identical and a retry of an
		// insert that did land (its acknowledgement lost) is dropped by the server.
		ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"insert_deduplication_token": t.dedupToken(rows)}))
	}
	batch, err := c.conn.PrepareBatch(ctx, "INSERT INTO "+c.table(t.name)+" ("+t.columnList()+")")
	if err != nil {
		return err
	}
	for i, col := range t.columns {
		values, release := col.values(rows, n)
		err := batch.Column(i).Append(values)
		release() // the driver has copied the values into its column
		if err != nil {
			_ = batch.Abort()
			return fmt.Errorf("column %s: %w", col.name, err)
		}
	}
	return batch.Send()
}

// dedupToken identifies the rows of one insert by the table and their ids, in order.
func (t *table[R]) dedupToken(parts [][]R) string {
	h := sha256.New()
	h.Write([]byte(t.name))
	for _, rows := range parts {
		for i := range rows {
			h.Write([]byte{0})
			h.Write([]byte(t.id(&rows[i])))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// nonNil returns ss, or an empty slice for nil: the driver sends an Array column's rows as slices.
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
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
