// Package outcomes is the outcomes stage, the last of the flow: it reads the ads published on
// ads.ready, the shoppers' Promotion Viewed / Promotion Clicked / Order Completed events on the
// clickstream, and the dead letters on clickstream.dlq, and lands them in the system of record
// as ads, ad_events (impressions, clicks, attributed conversions) and failed_events rows, one
// write per batch.
//
// Attribution is by event time, not arrival order: an order waits Lateness of event time (the
// partition's newest event time less the order's) for touches that arrive late, then goes to
// the shopper's last click before it, within the click window, on an ad whose advertised product
// is among the order's line items, else to their last impression within the view window in
// scope (ViewScope: the advertised product, its category, or any order), reported apart as
// last_click and last_view. The conversion's revenue is that of the advertised product's lines
// only. The product comes with the delivery system's Promotion Viewed/Clicked event
// (properties.product_id), else, as Segment's own promotion events name none, from the ad read
// on ads.ready by any partition of the stage (adIndex). A click with no impression of its ad
// before it, or naming no product, earns no credit and is counted; it still lands, and queries
// leave clicks on never-shown ads out of CTR. An order is credited once, by its order id or, if
// it has none, by its message id: a tracker's retry writes nothing new. A processor is a
// pipeline.Holder: the offset of an order still waiting is not committed, so a crash reads it
// again; orders still waiting when a partition closes are attributed and written then. A
// partition's event time advances only with its input: after the last event, orders of the
// final lateness window wait for the partition to close.

// Every row carries a deterministic id derived from its input (the message id, the order id, the
// ad id, the dead letter's origin), so a redelivered batch writes the same rows and the store
// dedups them.
//
// The in-memory runner (pipeline/runner) holds a clickstream Partition (OpenPartition), whose
// ProcessEvents lands events decoded already as their records would land, with no re-encoding.
//
// Concurrency: the Stage hands each assigned partition its own processor, never called
// concurrently. A clickstream processor owns the attribution state of its partition's shoppers
// (the clickstream is keyed by user, so a shopper's touches and orders meet in one partition) and
// needs no locks.
package outcomes
