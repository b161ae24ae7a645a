// Package rekey is the stage in front of the features stage: it reads the clickstream as
// trackers write it and forwards every event to the keyed clickstream (adshift.clickstream.keyed),
// keyed by its shopper, so one partition of the features stage owns each shopper whatever key, if
// any, the tracker gave its records. It also stitches identities: an identify call (userId and
// anonymousId) or an alias call (previousId and userId) joins an anonymous id to a known user.
//
// For each join the stage writes the mapping to the compacted topic adshift.identities (key = the
// anonymous id) and forwards the call keyed by the anonymous id, with the known user in the
// adshift.identify header, so it reaches the partition that holds the anonymous profile; there
// the features stage sends that profile, keyed by the known user, back through the keyed topic
// (header adshift.merge_from) to be merged into the user's. From the join on, events of the
// anonymous id are keyed by the known user, so they go to the merged profile.
//
// The stage also reads the control topic (adshift.control): a deletion request is forwarded to
// the keyed topic keyed by the shopper it names (the known user, for a joined anonymous id), with
// schemas.HeaderForget, so it reaches the features partition that owns their profile in order
// with their events.
//
// Why every event goes through the keyed topic, and not only those keyed otherwise: the profile
// changelog is co-partitioned with the features stage's input, one changelog partition per input
// partition, with a progress marker per partition. Were the features stage to read both the
// clickstream and the keyed topic, a shopper could have a profile in either (its known-user
// events keyed right on the clickstream, its anonymous ones re-keyed), the two input partitions
// of one number would share a changelog partition and its marker, and a consumer group does not
// assign the same partition number of two topics to one member. One input topic keyed by
// shopper keeps one owner per shopper and the changelog co-partitioned; the cost is one more
// write per event, and the rekey stage's own decoding of each event (BenchmarkRekeyRatio in
// pipeline/features: about half the features stage's cost per event).
//
// Delivery: a batch's records are produced and acknowledged before Process returns, so the input
// offsets are committed only after; a redelivered record is forwarded again with the same key
// and value (the merge it causes is skipped by the features stage as seen before). The mapping is
// held in memory by the Stage for all its partitions, restored from adshift.identities when the
// first partition is assigned; a join made by another instance (or on another partition, racing
// this one's anonymous events) reaches this one at its next assignment. Until then the anonymous
// id's events keep the anonymous key, and the features stage, which marked the id moved on the
// join (a changelog entry of its own), forwards them to the known user: no event lands in an
// anonymous profile after its join, whichever stage learns of the join first.
//
// Concurrency: the Stage is safe for concurrent use; each processor is used by one goroutine.
package rekey
