package creative

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

func TestEmailOnlyWhereOneIs(t *testing.T) {
	kettle := schemas.Product{ID: "k", Title: "Electric Kettle", Brand: "Acme", Category: "appliances.kitchen.kettle", Price: 199, Currency: "USD"}
	f := func(body string, want bool) {
		t.Helper()
		got := rules(Guard{}, schemas.Creative{Headline: "Electric Kettle", Body: body, CTA: "Shop now"}, kettle)
		if slices.Contains(got, "body/personal_data") != want || !want && len(got) > 0 {
			t.Errorf("Check(body %q) = %v, want an e-mail address found: %v", body, got, want)
		}
	}
	// Brackets and an at sign alone are no address (the link in an address is markup too).
	f("Boils fast (and quietly).", false)
	f("Tea @ home, in two minutes.", false)
	f("Write to hello@acme.com today.", true)
	f("Write to hello (at) acme.com today.", true)
	f("Write to hello [At] acme.co.uk today.", true)
}
