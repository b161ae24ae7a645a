package catalog

import "github.com/adshift/adshift/schemas"

// Closeness scores how well a product serves an interest: 1 for a product of exactly that
// category, 0 for one with nothing in common, in between for related ones. The creatives stage
// ranks products by it. Implementations are safe for concurrent use.
type Closeness interface {
	Closeness(interest string, p *schemas.Product) float64
}
