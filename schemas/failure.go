package schemas

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FailureKind names why an input was rejected. It travels in the dead-letter header
// "adshift.failure" and in ClickHouse failed_events.kind.
type FailureKind string

// Failure kinds.
const (
	MalformedJSON        FailureKind = "malformed_json"
	InvalidUTF8          FailureKind = "invalid_utf8"
	SchemaViolation      FailureKind = "schema_violation"
	MissingUser          FailureKind = "missing_user"
	TimestampOutOfRange  FailureKind = "timestamp_out_of_range"
	TooLarge             FailureKind = "too_large"
	UnsupportedEvent     FailureKind = "unsupported_event"
	LateEvent            FailureKind = "late_event"
	UndeliverableOutcome FailureKind = "undeliverable_outcome"
)

// Failure is a typed rejection of one input. It is permanent: retrying the same bytes fails the
// same way, so the input goes to the dead-letter topic instead.
type Failure struct {
	Kind   FailureKind
	Field  string // the offending field, when there is one
	Detail string
}

func (f *Failure) Error() string {
	if f.Field != "" {
		return fmt.Sprintf("%s: %s: %s", f.Kind, f.Field, f.Detail)
	}
	return fmt.Sprintf("%s: %s", f.Kind, f.Detail)
}

// Failf returns a *Failure of kind about field.
func Failf(kind FailureKind, field, format string, args ...any) *Failure {
	return &Failure{Kind: kind, Field: field, Detail: fmt.Sprintf(format, args...)}
}

// Within returns f as the failure of the event at index of an envelope: its field says where,
// "batch[3].properties.price" or "message.userId".
func (f *Failure) Within(env Envelope, index int) *Failure {
	var at string
	switch env {
	case NoEnvelope:
		return f
	case SegmentBatch:
		at = "batch[" + strconv.Itoa(index) + "]"
	default:
		at = "message"
	}
	g := *f
	g.Field = at
	if f.Field != "" {
		g.Field = at + "." + f.Field
	}
	return &g
}

// AsFailure reports whether err is (or wraps) a *Failure and returns it.
func AsFailure(err error) (*Failure, bool) {
	var f *Failure
	ok := errors.As(err, &f)
	return f, ok
}

// clip bounds what of the input a failure detail repeats.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
