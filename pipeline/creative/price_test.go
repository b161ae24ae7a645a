package creative

import "testing"

// An amount glued to a letter, a dot or a comma before it is part of a model number or a
// bigger number, not a price; one after a space or other punctuation is a price.
func TestDigitPricesSkipModelNumbers(t *testing.T) {
	for _, c := range []string{"a", "m", "z", "A", "K", "Z", "."} {
		if got := digitPrices("x" + c + "500 USD"); len(got) != 0 {
			t.Errorf("digitPrices(%q) = %v, want none", "x"+c+"500 USD", got)
		}
	}
	for _, c := range []string{" ", "(", "/", ":", "@", "[", "`", "{", "~"} {
		got := digitPrices("x" + c + "500 USD")
		if len(got) != 1 || got[0].amount != 500 || got[0].currency != "USD" {
			t.Errorf("digitPrices(%q) = %v, want 500 USD", "x"+c+"500 USD", got)
		}
	}
	// The digits after a comma that starts no thousands group, or after a full one, are no price.
	if got := digitPrices("1,00 USD"); len(got) != 0 {
		t.Errorf("digitPrices(1,00 USD) = %v, want none", got)
	}
	if got := digitPrices("1,2340 USD"); len(got) != 0 {
		t.Errorf("digitPrices(1,2340 USD) = %v, want none", got)
	}
	if got := digitPrices("1,2349 USD"); len(got) != 0 {
		t.Errorf("digitPrices(1,2349 USD) = %v, want none", got)
	}
	// A currency code glued before the amount makes it a price.
	if got := digitPrices("USD500"); len(got) != 1 || got[0].amount != 500 {
		t.Errorf("digitPrices(USD500) = %v, want 500", got)
	}
}
