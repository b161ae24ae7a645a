// Package schemas defines the records that cross adshift's seams and their wire formats, one file
// per record with its encoder and decoder side by side: Segment e-commerce events on the
// clickstream (event.go; the decoder split into eventdecode.go, validate.go, fields.go,
// timestamp.go over the JSON scanner in scanner.go, and eventhead.go for stages that need only an
// event's type, name and time; what it reads leniently in price.go, category.go, ga4.go and
// messageid.go, and notes in rewrite.go; envelope.go splits a record holding a Segment batch or
// RudderStack's envelope into its events), profile shifts (shift.go, encoded by hand as encoding/json would
// and read back by it), ads (ad.go), outcome rows (outcome.go), typed failures (failure.go), dead
// letters (deadletter.go), the archive's rows and files (archive.go), and the ClickHouse DDL that
// stores them (ddl/). Decoders validate and normalise; they never panic on input and report bad
// input as a *Failure naming its kind. Every hand-written fast path is fuzzed against
// encoding/json.
//
// Everything here is plain data and pure functions, safe for concurrent use.
package schemas
