package dataset

import "fmt"

// Reasons a row is not mapped to an event or a product. Segment lines rejected by
// schemas.DecodeEvent carry the decoder's failure kind instead ("malformed_json", ...).
const (
	ReasonWrongColumnCount = "wrong_column_count"
	ReasonMalformedCSV     = "malformed_csv"
	ReasonBadTimestamp     = "bad_timestamp"
	ReasonBadPrice         = "bad_price"
	ReasonBadQuantity      = "bad_quantity"
	ReasonMissingUser      = "missing_user"
	ReasonMissingProduct   = "missing_product"
	ReasonMissingTitle     = "missing_title"
	ReasonUnknownEvent     = "unknown_event"
	ReasonNotAProduct      = "not_a_product"
)

// RowError reports one source row that could not be mapped. It is not fatal: the reader moves on
// to the next row. Callers count them by Reason.
type RowError struct {
	File   string // base name of the file the row is in
	Line   int    // 1-based line number of the row
	Reason string // one of the Reason constants, or a schemas.FailureKind for segment lines
	Err    error  // what exactly was wrong
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Reason, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

func rowErrorf(p pos, reason, format string, args ...any) *RowError {
	return &RowError{File: p.file, Line: p.line, Reason: reason, Err: fmt.Errorf(format, args...)}
}
