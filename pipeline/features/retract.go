package features

import "github.com/adshift/adshift/schemas"

// retractItem takes back the weights from the category levels, brand and price bucket of a
// product an event of a retracting kind (a refund) names. A weight never goes below zero, an
// entry left without weight is dropped, and an entry the profile does not hold is not created:
// a refund adds no interest, and one larger than what its order added only clears it.
func (p *profile) retractItem(it *schemas.LineItem, ws, wl float32, n *names) {
	categoryLevels(it.Category, func(level string) {
		subSlot(p.cats[:p.nCats], n.id(level), ws, wl)
	})
	if it.Brand != "" {
		subSlot(p.brands[:p.nBrands], n.id(it.Brand), ws, wl)
	}
	if b := priceBucket(it.Price); b != 0 {
		subSlot(p.prices[:p.nPrices], b, ws, wl)
	}
	// Decaying by 1 only drops the entries the refund emptied, keeping the others' order.
	decaySlots(p.cats[:], &p.nCats, 1, 1)
	decaySlots(p.brands[:], &p.nBrands, 1, 1)
	decaySlots(p.prices[:], &p.nPrices, 1, 1)
}

// subSlot subtracts the weights from name id's entry in live, if there is one, down to zero.
func subSlot(live []slot, id uint32, short, long float32) {
	if i := find(live, id); i >= 0 {
		live[i].short = max(live[i].short-short, 0)
		live[i].long = max(live[i].long-long, 0)
	}
}
