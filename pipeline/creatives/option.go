package creatives

import (
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
)

// An Option changes how New builds the stage.
type Option func(*options)

type options struct {
	rank      catalog.RankConfig
	now       func() time.Time
	forgotten *pipeline.Forgotten
}

// WithForgotten has the stage make no ad for a shopper in f: a shift the features stage wrote
// before it applied the deletion request becomes no ad once the request is read.
func WithForgotten(f *pipeline.Forgotten) Option {
	return func(o *options) { o.forgotten = f }
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
