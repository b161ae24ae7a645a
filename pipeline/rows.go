package pipeline

import (
	"context"

	"github.com/adshift/adshift/schemas"
)

// RowWriter lands outcome rows in the system of record (ClickHouse). Write returns only once
// every row is acknowledged, so the caller may then commit the input that produced them.
// Writes are idempotent: rows carry their own ids and the store dedups on them.
type RowWriter interface {
	Write(ctx context.Context, rows schemas.Rows) error
}
