package schemas

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestDecodeShift(t *testing.T) {
	valid := Shift{
		User: "u1", ProfileVersion: 3, EventTime: time.Date(2019, 10, 1, 0, 20, 5, 0, time.UTC),
		Reason: ReasonNewInterest, Distance: 0.42,
		Summary: Summary{
			Categories:  []Weighted{{Name: "electronics.audio.headphone", Weight: 0.7}},
			Brands:      []Weighted{{Name: "sony", Weight: 0.5}},
			PriceBand:   PriceBand{Min: 49, Max: 129, Currency: "USD"},
			IntentStage: "consider", Locale: "en-US", Purchased: []string{"p9"},
		},
	}
	enc, err := json.Marshal(valid)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeShift(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, valid) {
		t.Errorf("got %+v, want %+v", got, valid)
	}

	with := func(field, value string) string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(enc, &m); err != nil {
			t.Fatal(err)
		}
		if value == "" {
			delete(m, field)
		} else {
			m[field] = json.RawMessage(value)
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name, payload string
		kind          FailureKind
		field         string
	}{
		{"not json", `user=u1`, MalformedJSON, ""},
		{"truncated", string(enc[:40]), MalformedJSON, ""},
		{"trailing garbage", string(enc) + `x`, MalformedJSON, ""},
		{"array", `[` + string(enc) + `]`, MalformedJSON, ""},
		{"no user", with("user", ""), SchemaViolation, "user"},
		{"no event time", with("event_time", ""), SchemaViolation, "event_time"},
		{"bad event time", with("event_time", `"tomorrow"`), SchemaViolation, ""},
		{"unknown reason", with("reason", `"boredom"`), SchemaViolation, "reason"},
		{"negative distance", with("distance", `-0.1`), SchemaViolation, "distance"},
		{"version is a string", with("profile_version", `"3"`), SchemaViolation, "profile_version"},
		{"weight is a string", with("summary", `{"categories":[{"name":"x","weight":"heavy"}]}`), SchemaViolation, "summary.categories.weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeShift([]byte(tt.payload))
			f, ok := AsFailure(err)
			if !ok || f.Kind != tt.kind || f.Field != tt.field {
				t.Errorf("got %v, want %s on %q", err, tt.kind, tt.field)
			}
		})
	}
}

// shiftTime is a plausible event time.
var shiftTime = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

// AppendShift writes what json.Marshal writes, byte for byte, for names that need every kind of
// escape and numbers of every magnitude; an empty list reads as null, as a nil one marshals.
func TestAppendShiftIsJSONMarshal(t *testing.T) {
	names := []string{"", "electronics.audio", "<b>&amp;</b>", "a\"b\\c", "tab\tnew\nline\r\b\f\x01\x1f",
		"日本語", "bad\xffutf8\xc3", "line\u2028para\u2029", "emoji 😀", "\x7f"}
	weights := []float64{0, 1, 0.5, 1.0 / 3, 1e-7, 9.99e-7, 1e-6, 1e20, 1e21, 123456789.125, 5e-324, math.MaxFloat64}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return names[rng.IntN(len(names))] }
	list := func() []Weighted {
		n := rng.IntN(4)
		if n == 0 {
			return nil
		}
		ws := make([]Weighted, n)
		for i := range ws {
			ws[i] = Weighted{Name: pick(), Weight: weights[rng.IntN(len(weights))]}
		}
		return ws
	}
	for i := range 2000 {
		sh := Shift{
			User:           pick(),
			ProfileVersion: rng.Uint64() >> rng.IntN(64),
			EventTime:      time.UnixMilli(rng.Int64N(4102444800000)).UTC(),
			Reason:         pick(),
			Distance:       weights[rng.IntN(len(weights))],
			Summary: Summary{
				Categories:  list(),
				Brands:      list(),
				PriceBand:   PriceBand{Min: weights[rng.IntN(len(weights))], Max: weights[rng.IntN(len(weights))], Currency: pick()},
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
				sh.Summary.Categories = []Weighted{}
			}
			if sh.Summary.Purchased == nil {
				sh.Summary.Purchased = []string{}
			}
		}
		got, err := AppendShift([]byte("prefix"), &sh)
		if err != nil || string(got) != "prefix"+string(want) {
			t.Fatalf("AppendShift(%+v) =\n%s, %v\nwant\n%s", sh, got, err, want)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		if _, err := AppendShift(nil, &Shift{Distance: bad, EventTime: shiftTime}); err == nil {
			t.Errorf("distance %v encoded", bad)
		}
		sh := Shift{EventTime: shiftTime, Summary: Summary{Brands: []Weighted{{Weight: bad}}}}
		if _, err := AppendShift(nil, &sh); err == nil {
			t.Errorf("weight %v encoded", bad)
		}
	}
}

// Encoding a shift allocates nothing once the buffer has grown.
func TestAppendShiftAllocates(t *testing.T) {
	sh := Shift{User: "u1", EventTime: shiftTime, Reason: ReasonNewInterest, Distance: 0.4,
		Summary: Summary{Categories: []Weighted{{Name: "a.b", Weight: 1}}, IntentStage: "cart"}}
	buf := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := AppendShift(buf, &sh); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations per shift, want 0", n)
	}
}
