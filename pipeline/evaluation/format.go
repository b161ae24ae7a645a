package evaluation

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/adshift/adshift/pipeline/stats"
)

// NA is what a cell without a denominator shows: no rate, not a rate of zero.
const NA = "n/a"

// money formats amounts by currency, each with its code, never added across currencies; an
// amount without a currency code says so.
func money(byCurrency map[string]float64) string {
	if len(byCurrency) == 0 {
		return "0"
	}
	var parts []string
	for _, cur := range slices.Sorted(maps.Keys(byCurrency)) {
		code := cur
		if code == "" {
			code = "(no currency)"
		}
		parts = append(parts, fmt.Sprintf("%.2f %s", byCurrency[cur], code))
	}
	return strings.Join(parts, " + ")
}

// rateText formats a rate with its interval in percent, or n/a without a denominator.
func rateText(rate float64, ci stats.Interval, den uint64, digits int) (string, string) {
	if den == 0 {
		return NA, ""
	}
	return fmt.Sprintf("%.*f%%", digits, 100*rate), fmt.Sprintf("[%.*f, %.*f]", digits, 100*ci.Lo, digits, 100*ci.Hi)
}

// costText formats a cost per unit in the cost's currency, or n/a without units.
func costText(cost float64, units uint64, currency string) string {
	if units == 0 {
		return NA
	}
	return fmt.Sprintf("%.4f %s", cost, currency)
}

// pText formats a p-value, tiny ones as a bound.
func pText(p float64) string {
	if p < 1e-4 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4g", p)
}
