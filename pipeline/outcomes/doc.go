// Package outcomes is the outcomes stage, the last of the flow: it reads the ads published on
// ads.ready, the shoppers' Promotion Viewed / Promotion Clicked / Order Completed events on the
// clickstream, and the dead letters on clickstream.dlq, and lands them in the system of record
// as ads, ad_events (impressions, clicks, attributed conversions) and failed_events rows, one
// write per batch.
//
// Attribution: an order goes to the shopper's last click, within the click window, on an ad whose
// advertised product is among the order's line items, else to their last impression within the
// view window (reported apart as last_click and last_view). The product comes with the delivery
// system's Promotion Viewed/Clicked event (properties.product_id): it is what the shopper was
// shown, it arrives in the same partition as the shopper's orders, and so the credit is decided
// here, in partition order, without waiting for the ad on ads.ready (another partition, perhaps
// another instance). A click with no impression of its ad before it, or naming no product, earns
// no credit and is counted; it still lands, and queries leave clicks on never-shown ads out of
// CTR. An order id is credited once: a tracker's retry writes nothing new.
//
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
