package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// latestAdsKept is how many ads the status page shows.
const latestAdsKept = 8

// adTap is an Emitter in front of the producer that keeps the latest ads written to the ads
// topic, once the broker has acknowledged them: what a delivery system reading ads.ready has
// just received. It is safe for concurrent use.
type adTap struct {
	out   pipeline.Emitter
	topic string

	mu  sync.Mutex
	ads []schemas.Ad // newest first, at most latestAdsKept

	// unreadable counts acknowledged ad records the tap could not decode; the page shows it.
	unreadable atomic.Int64
	// forgotten are shoppers forgotten while run runs: their ads are shown no more. nil: none.
	forgotten *pipeline.Forgotten
}

var _ pipeline.Emitter = (*adTap)(nil)

func newAdTap(out pipeline.Emitter, adsTopic string) *adTap {
	return &adTap{out: out, topic: adsTopic}
}

// Emit passes recs on and, once they are written, keeps the ads among them.
func (t *adTap) Emit(ctx context.Context, recs []pipeline.Record) error {
	if err := t.out.Emit(ctx, recs); err != nil {
		return err
	}
	for _, r := range recs {
		if r.Topic != t.topic {
			continue
		}
		ad, err := schemas.DecodeAd(r.Value)
		if err != nil {
			t.unreadable.Add(1)
			continue
		}
		t.keep(ad)
	}
	return nil
}

func (t *adTap) keep(ad schemas.Ad) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ads = append([]schemas.Ad{ad}, t.ads...)
	if len(t.ads) > latestAdsKept {
		t.ads = t.ads[:latestAdsKept]
	}
}

// latest returns the ads kept, newest first; those of shoppers forgotten since are dropped.
func (t *adTap) latest() []schemas.Ad {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ads = slices.DeleteFunc(t.ads, func(ad schemas.Ad) bool { return t.forgotten.Has(ad.User) })
	return append([]schemas.Ad(nil), t.ads...)
}
