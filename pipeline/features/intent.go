package features

// intent is how far along the purchase funnel a shopper has gone. Stages are ordered, and a
// profile keeps the furthest stage it has reached.
type intent uint8

const (
	browse   intent = iota // views, list views, searches
	consider               // clicks, wishlist adds
	cart                   // cart adds, checkouts
	purchase               // completed orders
)

var intentNames = [...]string{browse: "browse", consider: "consider", cart: "cart", purchase: "purchase"}

func (i intent) String() string { return intentNames[i] }
