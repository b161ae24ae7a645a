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

func TestChinesePhone(t *testing.T) {
	f := func(s string, want bool) {
		t.Helper()
		if got := chinesePhone(s); got != want {
			t.Errorf("chinesePhone(%q) = %v, want %v", s, got, want)
		}
	}
	f("一三八零零一三", true)   // seven
	f("一三八零零一", false)   // six
	f("一三八零 零一三", false) // split
	f("拨打幺三八零零一三八", true)
}
