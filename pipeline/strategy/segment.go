package strategy

import (
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/schemas"
)

// Segment is the strategy segment of a shopper: the root of their top category, or "unknown".
func Segment(s schemas.Summary) string {
	if len(s.Categories) > 0 {
		if path := catalog.Levels(catalog.NormCategory(s.Categories[0].Name)); len(path) > 0 {
			return path[0]
		}
	}
	return "unknown"
}
