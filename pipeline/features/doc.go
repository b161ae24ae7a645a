// Package features is the first stage of adshift: it reads the clickstream, keeps a live interest
// profile per shopper and publishes a profile shift to adshift.shifts when that profile moves.
//
// A record holding an envelope of events (a Segment batch, RudderStack's form) is split by a
// schemas.Splitter and applied event by event, the events sharing the record's offset; a bad one
// is dead-lettered alone, its index in a header. What the decoder rewrote to accept an event (a
// dropped field, a price written as text, a GA4 name …) is counted in
// adshift_events_rewritten_total{kind} and noted in the adshift.rewritten header of its shift.
//
// Every clickstream record is decoded and validated by schemas.DecodeEventInto, into one reused
// event whose strings are copied into a per-batch slab, so decoding allocates nothing per event;
// shifts are encoded by schemas.AppendShift into the batch's arena (byte for byte what
// encoding/json writes), so the update path allocates nothing either beyond new shoppers. Bad input
// goes to the dead-letter topic with its original bytes and a header naming the failure; events
// that carry no interest (other call types, unknown names, the ad outcome events) and repeats of a
// shopper's recent messageIds are skipped and counted. Interest events update the shopper's profile
// in event time: weights on a short and a long horizon decay with half-lives measured on event
// timestamps, a per-partition watermark (latest event time minus the allowed lateness) dead-letters
// late events, and idle profiles expire after a TTL of event time, so a replay of old data builds
// the same profiles that live traffic did. After each event the shift detector (package shift)
// decides whether the profile moved enough to be worth a new ad.
//
// With an interest model (WithModel, features.model), each shopper also has an interest.State,
// kept in a per-partition slab rather than the profile, so a stage without a model pays nothing
// for it. The detector then compares the head of the model's prediction (its top 5, renormalised)
// with the head at the last shift instead of the decayed profile, and a shift carries the model's
// version and its top predictions as probabilities. The prediction is ranked only when the
// detector would read it: not inside the cooldown or past the daily cap, and not on a Repeat —
// an event that names no category, or one more event on a category the shopper has stayed on
// for settleEvents events, where the prediction has settled and evidence of a new interest
// cannot start. Categories the model never saw are numbered after its vocabulary and ranked
// from the shopper's own events; the changelog writes a state by category name, so a restart,
// or a newer model, reads it back.
//
// A profile is one fixed-size value (bounded top-K slots over interned names, no maps, no
// strings). Every changed profile is written once per batch to the compacted changelog, in the
// partition of the same number as its input, followed by a progress marker (the offset processed
// and the partition's latest event time), once the batch's shifts and dead letters are
// acknowledged.
// Open restores a partition from its changelog before it processes input; each profile carries
// the offset after the last record applied to it, so records a crashed owner already applied are
// never applied twice.
//
// With FromKeyed (what adshift run uses) the stage reads the keyed clickstream the rekey stage
// writes instead of the clickstream: a shopper is the record's key, and the profile changelog is
// co-partitioned with that topic. Identity stitching happens there, across partitions, through
// the keyed topic itself: a record keyed by an anonymous id with schemas.HeaderIdentify (an
// identify or alias call) sends that id's profile, keyed by the known user, back to the keyed
// topic with schemas.HeaderMergeFrom and tombstones it here; the user's partition merges it in
// (weights brought to the later event time and added, counts summed) and the shift that follows
// has reason identified: at once when the merged profile has min_events, else the next one. The
// merge id is remembered like a messageId, so a redelivered merge is not applied twice. The join
// also marks the anonymous id moved in the changelog, so an event of the id that reaches its
// partition later is forwarded once to the known user. Dead letters of forwarded events name the
// clickstream record the tracker wrote (schemas.HeaderSource).
//
// Privacy (forget.go): a deletion request the rekey stage forwards from the control topic
// (schemas.HeaderForget) deletes the shopper's profile, tombstoned in the changelog, and writes a
// forgotten marker there that never expires, so their later events, merges included, build no
// profile, also after a restore. An event whose consent preferences refuse advertising
// (schemas.Consent) builds no profile either, and deletes one built before consent was withdrawn.
//
// Concurrency: the Stage is safe for concurrent use; it hands out one processor per assigned
// partition. A processor owns the profiles of its partition's users (the clickstream is keyed by
// user, so a user lives in one partition) and is called by one worker goroutine at a time, so
// profiles need no locks. Everything a batch produced is handed to the Emitter before Process
// returns — the shifts and dead letters in one call, then the changelog writes and the marker in
// a second — so the batch's offsets are committed only once its effects are durable, and a
// restored profile never stands past an effect that was lost. With WithInFlight (how `adshift
// run` wires it) the same two steps run in the background through a pipeline.Outbox, batch after
// batch in order, while the worker applies the next batches; the processor is then a
// pipeline.Releaser and the worker commits each batch once its changelog writes are acknowledged.
package features
