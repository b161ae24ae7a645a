package creative

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

func TestChineseClaimPastAnAllowedWord(t *testing.T) {
	f := func(text, term string, want bool) {
		t.Helper()
		if got := chineseClaim(text, term); got != want {
			t.Errorf("chineseClaim(%q, %q) = %v, want %v", text, term, got, want)
		}
	}
	f("最新款", "最", false)
	f("最好", "最", true)
	// An allowed word first does not hide the claim after it.
	f("最新款，最好", "最", true)
	f("最新款，品质最好", "最", true)
	f("最新款，最新款", "最", false)
	f("第一次用，第一", "第一", true)
}

func TestNextWord(t *testing.T) {
	f := func(s, want string) {
		t.Helper()
		if got := nextWord(s); got != want {
			t.Errorf("nextWord(%q) = %q, want %q", s, got, want)
		}
	}
	f(" cotton blend", " cotton")
	f("cotton", "cotton")
	f(" 5 stars", "")
	f("  ", "")
	f("", "")
}

func TestLinkAfterALeadingColon(t *testing.T) {
	kettle := schemas.Product{ID: "k", Title: "Electric Kettle", Category: "appliances.kitchen.kettle", Price: 20, Currency: "USD"}
	got := rules(Guard{}, schemas.Creative{Headline: "Electric Kettle", Body: ": see http://acme now", CTA: "Shop now"}, kettle)
	if !slices.Contains(got, "body/"+RuleMarkup) {
		t.Errorf("a link after a leading colon passes: %v", got)
	}
}
