package features

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// appendShift writes what json.Marshal writes, byte for byte, for names that need every kind of
// escape and numbers of every magnitude; an empty list reads as null, as a nil one marshals.
func TestAppendShiftIsJSONMarshal(t *testing.T) {
	names := []string{"", "electronics.audio", "<b>&amp;</b>", "a\"b\\c", "tab\tnew\nline\r\b\f\x01\x1f",
		"日本語", "bad\xffutf8\xc3", "line\u2028para\u2029", "emoji 😀", "\x7f"}
	weights := []float64{0, 1, 0.5, 1.0 / 3, 1e-7, 9.99e-7, 1e-6, 1e20, 1e21, 123456789.125, 5e-324, math.MaxFloat64}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return names[rng.IntN(len(names))] }
	list := func() []schemas.Weighted {
		n := rng.IntN(4)
		if n == 0 {
			return nil
		}
		ws := make([]schemas.Weighted, n)
		for i := range ws {
			ws[i] = schemas.Weighted{Name: pick(), Weight: weights[rng.IntN(len(weights))]}
		}
		return ws
	}
	for i := range 2000 {
		sh := schemas.Shift{
			User:           pick(),
			ProfileVersion: rng.Uint64() >> rng.IntN(64),
			EventTime:      time.UnixMilli(rng.Int64N(4102444800000)).UTC(),
			Reason:         pick(),
			Distance:       weights[rng.IntN(len(weights))],
			Summary: schemas.Summary{
				Categories:  list(),
				Brands:      list(),
				PriceBand:   schemas.PriceBand{Min: weights[rng.IntN(len(weights))], Max: weights[rng.IntN(len(weights))], Currency: pick()},
				IntentStage: pick(),
				Locale:      pick(),
			},
		}
		for range rng.IntN(3) {
			sh.Summary.Purchased = append(sh.Summary.Purchased, pick())
		}
		want, err := json.Marshal(sh)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 { // reused arrays are empty, not nil
			if sh.Summary.Categories == nil {
				sh.Summary.Categories = []schemas.Weighted{}
			}
			if sh.Summary.Purchased == nil {
				sh.Summary.Purchased = []string{}
			}
		}
		got, err := appendShift([]byte("prefix"), &sh)
		if err != nil || string(got) != "prefix"+string(want) {
			t.Fatalf("appendShift(%+v) =\n%s, %v\nwant\n%s", sh, got, err, want)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		if _, err := appendShift(nil, &schemas.Shift{Distance: bad, EventTime: t0}); err == nil {
			t.Errorf("distance %v encoded", bad)
		}
		sh := schemas.Shift{EventTime: t0, Summary: schemas.Summary{Brands: []schemas.Weighted{{Weight: bad}}}}
		if _, err := appendShift(nil, &sh); err == nil {
			t.Errorf("weight %v encoded", bad)
		}
	}
}

// Encoding a shift allocates nothing once the buffer has grown.
func TestAppendShiftAllocates(t *testing.T) {
	sh := schemas.Shift{User: "u1", EventTime: t0, Reason: schemas.ReasonNewInterest, Distance: 0.4,
		Summary: schemas.Summary{Categories: []schemas.Weighted{{Name: "a.b", Weight: 1}}, IntentStage: "cart"}}
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := appendShift(buf, &sh); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per shift, want 0", n)
	}
}
