// Package schemas defines the records that cross adshift's seams: Segment e-commerce events on
// the clickstream, profile shifts, ads, outcome rows, dead letters, catalogue products, and the
// ClickHouse DDL that stores them. Decoders validate and normalise; they never panic on input and
// report bad input as a *Failure naming its kind.
//
// Everything here is plain data and pure functions, safe for concurrent use.
package schemas
