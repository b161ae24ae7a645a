// Package shift decides when a shopper's interest profile has moved enough to be worth a new ad.
//
// It works on small, fixed-size vectors of interned ids and weights, so the features stage can
// keep one State per shopper inside its compact profile and call Check after every interest
// event without allocating. It knows nothing of Kafka, categories or JSON: the features stage
// hands it the shopper's short-horizon interest vector, the event time and whether the event
// was a cart add into a category the shopper never carted before.
//
// A Detector is immutable and safe for concurrent use; a State belongs to one shopper and is
// used by one goroutine at a time (the partition worker that owns the shopper).
package shift
