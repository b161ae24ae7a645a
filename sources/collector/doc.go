// Package collector is where trackers' HTTP calls enter adshift: an http.Handler serving
// Segment's HTTP tracking API (/v1/track, /v1/page, /v1/screen, /v1/identify, /v1/alias,
// /v1/group, /v1/batch, and the one-letter paths analytics.js posts to) in front of the
// clickstream topic.
//
// Every request is answered only once the pipeline.Emitter has acknowledged every record it
// caused: the accepted events on the clickstream topic (key = userId, else anonymousId) and the
// rejected ones on the dead-letter topic, with the failure headers every stage writes. A tracker
// that gets a 200 may forget its events; one that gets a 503 (backpressure, broker trouble) keeps
// them and retries, and the stable messageId makes the retry harmless downstream.
//
// The Handler is safe for concurrent use; it bounds the requests in flight and sheds the rest
// with 503 and Retry-After rather than queueing them. Server runs it on collector.addr.
package collector
