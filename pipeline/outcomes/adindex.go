package outcomes

import (
	"sync"
	"time"

	"github.com/adshift/adshift/schemas"
)

// adIndex is the advertised product of every ad the stage has read from the ads topic, shared by
// its partitions: Segment's own Promotion Viewed/Clicked events name the promotion, not the
// product, so attribution takes the product from the ad. An ad is kept until the click window
// and the lateness have passed since it expired (by the newest ad's creation time). Safe for
// concurrent use.
type adIndex struct {
	keep time.Duration

	mu      sync.Mutex
	ads     map[string]indexedAd
	newest  time.Time
	pruneAt int
}

type indexedAd struct {
	product schemas.Product
	expires time.Time
}

func newAdIndex(keep time.Duration) *adIndex {
	return &adIndex{keep: keep, ads: map[string]indexedAd{}, pruneAt: minPruneAt}
}

// put remembers ad's product.
func (x *adIndex) put(ad schemas.Ad) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ads[ad.AdID] = indexedAd{product: ad.Product, expires: ad.ExpiresAt}
	if ad.CreatedAt.After(x.newest) {
		x.newest = ad.CreatedAt
	}
	if len(x.ads) < x.pruneAt {
		return
	}
	for id, a := range x.ads {
		if x.newest.Sub(a.expires) > x.keep {
			delete(x.ads, id)
		}
	}
	x.pruneAt = max(2*len(x.ads), minPruneAt)
}

// get returns the product ad id advertises, if the ad was read.
func (x *adIndex) get(id string) (schemas.Product, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	a, ok := x.ads[id]
	return a.product, ok
}
