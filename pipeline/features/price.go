package features

import (
	"math"

	"github.com/adshift/adshift/schemas"
)

// Prices are kept as weights over log-price buckets, one per octave: bucket b holds prices in
// [2^b, 2^(b+1)). Octaves are coarse enough that a shopper's usual range fills one or two
// buckets, and fine enough to tell a 20 USD shopper from a 200 USD one. Bucket ids are offset so
// that a slot id is never 0.
const priceBucketBias = 1 << 10

// priceBucket returns the slot id of price's bucket, or 0 for no usable price.
func priceBucket(price float64) uint32 {
	if !(price > 0) || math.IsInf(price, 0) {
		return 0
	}
	b := int(math.Floor(math.Log2(price)))
	b = max(-priceBucketBias+1, min(priceBucketBias-1, b))
	return uint32(b + priceBucketBias)
}

// bucketRange returns the bounds of a bucket.
func bucketRange(id uint32) (lo, hi float64) {
	b := int(id) - priceBucketBias
	return math.Ldexp(1, b), math.Ldexp(1, b+1)
}

// priceBand returns the band the shopper shops in now: the heaviest bucket on the short horizon,
// widened to the buckets next to it that weigh at least half as much.
func (p *profile) priceBand(n *names) schemas.PriceBand {
	prices := p.prices[:p.nPrices]
	if len(prices) == 0 {
		return schemas.PriceBand{}
	}
	top := 0
	for i := range prices {
		if prices[i].short > prices[top].short {
			top = i
		}
	}
	lo, hi := bucketRange(prices[top].id)
	for {
		widened := false
		for _, e := range prices {
			if e.short < prices[top].short/2 {
				continue
			}
			l, h := bucketRange(e.id)
			if h == lo {
				lo, widened = l, true
			}
			if l == hi {
				hi, widened = h, true
			}
		}
		if !widened {
			break
		}
	}
	return schemas.PriceBand{Min: lo, Max: hi, Currency: n.name(p.currency)}
}
