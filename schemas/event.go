package schemas

import "time"

// Segment e-commerce spec v2 event names that adshift reads.
const (
	ProductViewed        = "Product Viewed"
	ProductClicked       = "Product Clicked"
	ProductListViewed    = "Product List Viewed"
	ProductsSearched     = "Products Searched"
	ProductAdded         = "Product Added"
	ProductAddedWishlist = "Product Added to Wishlist"
	CheckoutStarted      = "Checkout Started"
	OrderCompleted       = "Order Completed"
	OrderRefunded        = "Order Refunded" // retracts the interest of its products; never a conversion
	PromotionViewed      = "Promotion Viewed"
	PromotionClicked     = "Promotion Clicked"
)

// Segment call types. Only track calls carry e-commerce events; the others decode with an empty
// Event so stages can count and skip them.
const (
	TypeTrack    = "track"
	TypePage     = "page"
	TypeScreen   = "screen"
	TypeIdentify = "identify"
	TypeGroup    = "group"
	TypeAlias    = "alias"
)

// Event is one Segment e-commerce spec v2 "track" call, decoded, validated and normalised.
// Encoding it with encoding/json gives the spec's wire shape.
type Event struct {
	Type        string     `json:"type"`
	Event       string     `json:"event"`
	UserID      string     `json:"userId,omitempty"`
	AnonymousID string     `json:"anonymousId,omitempty"`
	MessageID   string     `json:"messageId"`
	Timestamp   time.Time  `json:"timestamp"`
	Context     Context    `json:"context,omitzero"`
	Properties  Properties `json:"properties"`

	// Rewrites says what the decoder changed to accept the event; it is not on the wire.
	Rewrites Rewrites `json:"-"`
}

// Context is the part of the Segment context adshift keeps.
type Context struct {
	Locale  string  `json:"locale,omitempty"`
	Consent Consent `json:"consent,omitzero"` // context.consent.categoryPreferences, as it speaks of advertising
}

// Properties holds the e-commerce properties of the events adshift reads. Spec inconsistencies
// are normalised on decode: position as string or number, and an order's value given as revenue,
// total or value all land in the fields below.
type Properties struct {
	ProductID string  `json:"product_id,omitempty"`
	SKU       string  `json:"sku,omitempty"`
	Name      string  `json:"name,omitempty"`
	Brand     string  `json:"brand,omitempty"`
	Category  string  `json:"category,omitempty"`
	Price     float64 `json:"price,omitempty"`
	Currency  string  `json:"currency,omitempty"`
	Quantity  int     `json:"quantity,omitempty"`
	Position  int     `json:"position,omitempty"`
	URL       string  `json:"url,omitempty"`

	Query  string `json:"query,omitempty"`   // Products Searched
	ListID string `json:"list_id,omitempty"` // Product List Viewed

	OrderID  string     `json:"order_id,omitempty"` // Checkout Started, Order Completed
	Revenue  float64    `json:"revenue,omitempty"`
	Products []LineItem `json:"products,omitempty"`

	PromotionID string `json:"promotion_id,omitempty"` // Promotion Viewed/Clicked: the ad's ad_id
	Creative    string `json:"creative,omitempty"`
}

// LineItem is one product of a list, checkout or order.
type LineItem struct {
	ProductID string  `json:"product_id,omitempty"`
	SKU       string  `json:"sku,omitempty"`
	Name      string  `json:"name,omitempty"`
	Brand     string  `json:"brand,omitempty"`
	Category  string  `json:"category,omitempty"`
	Price     float64 `json:"price,omitempty"`
	Quantity  int     `json:"quantity,omitempty"`
}

// User returns the user key: userId, else anonymousId.
func (e *Event) User() string {
	if e.UserID != "" {
		return e.UserID
	}
	return e.AnonymousID
}
