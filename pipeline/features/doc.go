// Package features is the first stage of adshift: it reads the clickstream, keeps a live interest
// profile per shopper and publishes a profile shift to adshift.shifts when that profile moves.
//
// Every clickstream record is decoded and validated by schemas.DecodeEvent. Bad input goes to the
// dead-letter topic with its original bytes and a header naming the failure; events that carry no
// interest (other call types, unknown names, the ad outcome events) and repeats of a shopper's
// recent messageIds are skipped and counted. Interest events update the shopper's profile in event
// time: weights decay with a half-life measured on event timestamps, so a replay of old data builds
// the same profiles that live traffic did. After each event the shift rules (shift.go) decide
// whether the profile moved enough to be worth a new ad.
//
// Concurrency: the Stage is safe for concurrent use; it hands out one processor per assigned
// partition. A processor owns the profiles of its partition's users (the clickstream is keyed by
// user, so a user lives in one partition) and is called by one worker goroutine at a time, so
// profiles need no locks. Everything a batch produced — shifts and dead letters — is handed to the
// Emitter in one call before Process returns, so the batch's offsets are committed only once its
// effects are durable.
package features
