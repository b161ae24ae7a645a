package runner

import (
	"context"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// capture is the Emitter of the in-memory stages: it keeps the shifts and ads published until
// they are taken, and the failure kind of every dead letter, and drops the profile changelog.
// The records it keeps may point into a stage's reused buffers: they are taken before the stage
// runs again.
type capture struct {
	shifts, ads string // topics
	shiftRecs   []pipeline.Record
	adRecs      []pipeline.Record
	failures    []string
}

var _ pipeline.Emitter = (*capture)(nil)

func (c *capture) Emit(_ context.Context, recs []pipeline.Record) error {
	for _, r := range recs {
		switch {
		case r.Topic == c.shifts:
			c.shiftRecs = append(c.shiftRecs, r)
		case c.ads != "" && r.Topic == c.ads:
			c.adRecs = append(c.adRecs, r)
		default:
			if kind := r.Header(schemas.HeaderFailure); kind != nil {
				c.failures = append(c.failures, string(kind))
			}
		}
	}
	return nil
}

func (c *capture) reset() {
	c.shiftRecs, c.adRecs, c.failures = c.shiftRecs[:0], c.adRecs[:0], c.failures[:0]
}

func (c *capture) takeShifts() []pipeline.Record {
	out := c.shiftRecs
	c.shiftRecs = nil
	return out
}

func (c *capture) takeAds() []pipeline.Record {
	out := c.adRecs
	c.adRecs = nil
	return out
}

// rowSink is a RowWriter that keeps the rows, as ClickHouse would.
type rowSink struct{ rows schemas.Rows }

var _ pipeline.RowWriter = (*rowSink)(nil)

func (w *rowSink) Write(_ context.Context, rows schemas.Rows) error {
	w.rows.Ads = append(w.rows.Ads, rows.Ads...)
	w.rows.Events = append(w.rows.Events, rows.Events...)
	w.rows.Failures = append(w.rows.Failures, rows.Failures...)
	return nil
}
