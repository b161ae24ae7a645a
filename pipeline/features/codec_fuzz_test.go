package features

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/adshift/adshift/pipeline/shift"
)

// sampleProfile returns a profile with every list in use, its names interned in n.
func sampleProfile(n *names) *profile {
	p := &profile{last: t0.UnixMilli(), offset: 4242, events: 17, currency: n.id("USD"), locale: n.id("en-US"),
		hours: hourly{hour: 435000, cur: 3, prev: 9}, stage: cart, nextRecent: 2}
	p.cats[0] = slot{id: n.id("electronics"), short: 0.8, long: 0.5}
	p.cats[1] = slot{id: n.id("electronics.audio") | leafBit, short: 0.6, long: 0.25}
	p.nCats = 2
	p.brands[0] = slot{id: n.id("sony"), short: 0.4, long: 1e-9}
	p.nBrands = 1
	p.prices[0] = slot{id: priceBucketBias + 3, short: 0.9, long: 0.7}
	p.nPrices = 1
	p.carted[0], p.nCarted = n.id("electronics.audio"), 1
	p.purchased[0], p.purchased[1], p.nPurchased = n.id("p1"), n.id("日本"), 2
	p.recent = [4]uint32{1, 2, 3, math.MaxUint32}
	p.shift = shift.State{At: t0.UnixMilli() - 1, Version: 3, Lead: n.id("electronics"), Day: 18000, DayCount: 2, Evidence: 1, N: 2}
	p.shift.Ref[0] = shift.Entry{ID: n.id("electronics"), W: 0.75}
	p.shift.Ref[1] = shift.Entry{ID: n.id("sony"), W: 0.25}
	return p
}

// A changelog value of any bytes either decodes or is refused as corrupt, never panics; one that
// decodes encodes to a value that decodes to the same profile, so restore loses nothing.
func FuzzDecodeProfile(f *testing.F) {
	n := newNames()
	enc := appendProfile(nil, sampleProfile(&n), &n, nil)
	f.Add(enc)
	f.Add(appendProfile(nil, &profile{}, &n, nil))
	f.Add(enc[:len(enc)/2])
	f.Add(appendProgress(nil, progress{offset: 1, max: t0.UnixMilli()}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := newNames()
		p, err := decodeProfile(data, &n, nil)
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("error %v is not errCorrupt", err)
			}
			return
		}
		enc := appendProfile(nil, p, &n, nil)
		other := newNames()
		again, err := decodeProfile(enc, &other, nil)
		if err != nil {
			t.Fatalf("re-encoded profile does not decode: %v", err)
		}
		if b := appendProfile(nil, again, &other, nil); !bytes.Equal(b, enc) {
			t.Fatalf("profile changed in a round trip:\n%x\n%x", enc, b)
		}
	})
}

// A progress marker of any bytes decodes or is refused as corrupt; one that decodes round-trips.
func FuzzDecodeProgress(f *testing.F) {
	f.Add(appendProgress(nil, progress{offset: 12345, max: t0.UnixMilli()}))
	f.Add([]byte{progressVersion})
	f.Fuzz(func(t *testing.T, data []byte) {
		pr, err := decodeProgress(data)
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("error %v is not errCorrupt", err)
			}
			return
		}
		if got, err := decodeProgress(appendProgress(nil, pr)); err != nil || got != pr {
			t.Fatalf("progress %+v round trip = %+v, %v", pr, got, err)
		}
	})
}

// The sample profile encodes to a value that decodes back to it.
func TestSampleProfileRoundTrip(t *testing.T) {
	n := newNames()
	p := sampleProfile(&n)
	other := newNames()
	dec, err := decodeProfile(appendProfile(nil, p, &n, nil), &other, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := appendProfile(nil, dec, &other, nil), appendProfile(nil, p, &n, nil); !bytes.Equal(got, want) {
		t.Fatalf("round trip changed the profile:\n%x\n%x", got, want)
	}
	if dec.events != p.events || other.name(dec.purchased[1]) != "日本" || !dec.cats[1].leaf() {
		t.Fatalf("decoded %+v", dec)
	}
}
