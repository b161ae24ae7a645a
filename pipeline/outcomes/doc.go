// Package outcomes is the outcomes stage, the last of the flow: it reads the ads published on
// ads.ready, the shoppers' Promotion Viewed / Promotion Clicked / Order Completed events on the
// clickstream, and the dead letters on clickstream.dlq, and lands them in the system of record
// as ads, ad_events (impressions, clicks, attributed conversions) and failed_events rows, one
// write per batch.
//
// Every row carries a deterministic id derived from its input (the message id, the order id, the
// ad id, the dead letter's origin), so a redelivered batch writes the same rows and the store
// dedups them.
//
// Concurrency: the Stage hands each assigned partition its own processor, never called
// concurrently. A clickstream processor owns the attribution state of its partition's shoppers
// (the clickstream is keyed by user, so a shopper's touches and orders meet in one partition) and
// needs no locks.
package outcomes
