// Package creatives is the creatives stage: it reads profile shifts from adshift.shifts, ranks
// catalogue products for what the shopper now wants (catalog.Ranker over the interest model's
// prediction, else the profile's categories; the Closeness is an Option) and takes the best one
// not shown to them lately, recording its rank, score and interest on the ad, or counts and
// warns why none fits (adshift_creatives_no_product_total{reason}); it asks a strategy.Chooser for the arm
// (or the persistent holdout), has a creative.Generator write the copy (the template, or the
// model chain of pipeline/modelchain), holds every creative to the Guard once more, and
// publishes the Ad on ads.ready, keyed by user, under a deterministic ad id (AdID). A shift that
// gets no ad (no product, no copy, copy the guard rejects) is counted in
// adshift_creatives_shifts_total{result} and warned about once a minute per cause, with the fix.
//
// Concurrency: the Stage hands each assigned partition its own processor, which owns that
// partition's state (the products recently advertised per user, and the records of a batch not
// yet acknowledged, which a retry emits again) and is never called concurrently, so it needs no
// locks. The catalogue, chooser and generator it is given are shared by every partition worker
// and must be safe for concurrent use.
package creatives
