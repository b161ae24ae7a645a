package creative

import (
	"testing"

	"github.com/adshift/adshift/schemas"
)

// The shopper's id is personal data in copy when it reads as theirs: whole, and not a short
// plain word that copy says anyway.
func TestShopperIDsAsTokens(t *testing.T) {
	g := Guard{}.WithBrands(corpusBrands)
	pr := corpusProducts["tee"]
	for _, c := range []struct {
		body, id string
		block    bool
	}{
		{"Cotton that feels like home.", "home", false},            // a short plain word
		{"Picked for shopper-4711 today.", "shopper-4711", true},   // the id itself
		{"Picked for shopper-47110 today.", "shopper-4711", false}, // a longer token is another id
		{"Picked for JohnSmith today.", "johnsmith", true},         // letters only, but long: a name-like id
		{"为U-83751挑选的T恤。", "u-83751", true},                        // against Chinese characters
	} {
		cr := schemas.Creative{Headline: pr.headline, Body: c.body, CTA: pr.cta, Locale: pr.locale}
		vs := g.CheckFor(cr, pr.p, c.id)
		blocked := false
		for _, v := range vs {
			if v.Rule == RulePII {
				blocked = true
			}
		}
		if blocked != c.block {
			t.Errorf("%q with shopper %q: blocked=%v (%v), want %v", c.body, c.id, blocked, vs, c.block)
		}
	}
}
