package dataset

import (
	"os"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// The committed demo sample: small, every shopper with a few events, and a catalogue built from
// it that has products in the categories most shoppers look at.
func TestDemoSample(t *testing.T) {
	fi, err := os.Stat(rees46SampleFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 600<<10 {
		t.Errorf("sample is %d bytes, want it under 600 KiB", fi.Size())
	}
	events, bad := readAll(t, FormatREES46, rees46SampleFile)
	if len(events) != 3637 || len(bad) != 0 {
		t.Fatalf("%d events, %d bad rows; want 3637 and none", len(events), len(bad))
	}
	perUser := map[string]int{}
	for i, e := range events {
		perUser[e.UserID]++
		if i > 0 && e.Timestamp.Before(events[i-1].Timestamp) {
			t.Fatalf("event %d is out of time order", i)
		}
	}
	if len(perUser) != 500 {
		t.Errorf("%d users, want 500", len(perUser))
	}
	for u, n := range perUser {
		if n < 3 {
			t.Errorf("user %s has %d events, want at least 3", u, n)
		}
	}

	products, _ := loadCatalog(t, FormatREES46, rees46SampleFile)
	inCatalog := map[string]int{} // products on offer per category
	for _, p := range products {
		inCatalog[p.Category]++
	}
	// A shopper is served when some category they viewed has a product besides the one viewed.
	served := map[string]bool{}
	for _, e := range events {
		if e.Event == schemas.ProductViewed && inCatalog[e.Properties.Category] >= 2 {
			served[e.UserID] = true
		}
	}
	if len(served) < len(perUser)*3/4 {
		t.Errorf("%d of %d users viewed a category with other products in the catalogue, want three in four", len(served), len(perUser))
	}
}
