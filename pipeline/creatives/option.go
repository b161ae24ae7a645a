package creatives

import (
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
)

// An Option changes how New builds the stage.
type Option func(*options)

type options struct {
	rank catalog.RankConfig
	now  func() time.Time
}

// WithCloseness has the stage rank products by c instead of catalog.Taxonomy, say by
// embeddings that reach categories of another taxonomy or locale.
func WithCloseness(c catalog.Closeness) Option {
	return func(o *options) { o.rank.Closeness = c }
}

// withClock sets the clock that spaces the stage's no-ad warnings; time.Now by default.
func withClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}
