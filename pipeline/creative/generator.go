package creative

import (
	"context"

	"github.com/adshift/adshift/schemas"
)

// Locales the built-in copy is written in.
const (
	LocaleEN = "en"
	LocaleZH = "zh-CN"
)

// Request is what a Generator writes a creative for.
type Request struct {
	Shift   schemas.Shift   // why the shopper is being shown an ad: their profile summary
	Product schemas.Product // the product to advertise; the only source of facts
	Arm     string          // creative style
	Locale  string          // language of the copy
	// Feedback lists what was wrong with the previous attempt at this creative (guard
	// violations, an unreadable answer), for a generator that can rewrite; empty at first.
	Feedback []string
}

// Generator writes the copy for one ad. It reports what wrote it in GeneratorInfo. Whatever it
// returns still goes through the Guard before publication.
type Generator interface {
	Generate(ctx context.Context, req Request) (schemas.Creative, schemas.GeneratorInfo, error)
}
