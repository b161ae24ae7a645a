// Package pipelinetest holds the hand-written fakes the stages' tests share, as net/http/httptest
// does for HTTP: an Emitter and a RowWriter that keep what they were given and fail on demand, and
// Discard, which acknowledges everything at once. Only tests import it.
//
// The fakes lock around every call, so a test may hand one to code that emits from several
// goroutines; a test reads their fields once that code has returned.
package pipelinetest
