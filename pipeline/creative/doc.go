// Package creative is the creatives stage: it reads profile shifts from adshift.shifts, picks a
// catalogue product the shopper now wants, assigns a strategy arm (or the persistent holdout),
// has a Generator write the copy, holds every creative to the Guard, and publishes the Ad on
// ads.ready, keyed by user.
//
// Concurrency: Catalog, Template, Guard and Assigner are immutable once built and safe for
// concurrent use. The Stage hands each assigned partition its own processor, which owns that
// partition's state (the products recently advertised per user) and is never called
// concurrently, so it needs no locks.
package creative
