package schemas

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

// knownRecordFailure reports whether err is a failure an inter-stage record decoder may return:
// malformed JSON exactly when encoding/json finds no JSON object in data, else a schema violation.
func knownRecordFailure(t *testing.T, data []byte, err error) {
	t.Helper()
	f, ok := AsFailure(err)
	if !ok {
		t.Fatalf("error %v (%T) is not a *Failure", err, err)
	}
	object := json.Valid(data) && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{"))
	switch {
	case f.Kind == MalformedJSON && object:
		t.Fatalf("a JSON object rejected as malformed: %v", f)
	case f.Kind == SchemaViolation && !object:
		t.Fatalf("no JSON object, yet failed as %v", f)
	case f.Kind != MalformedJSON && f.Kind != SchemaViolation:
		t.Fatalf("unexpected failure kind %v", f)
	}
}

// nullEmpty returns s with its empty lists nil: AppendShift writes an empty list as null, since a
// summary's lists are nil when empty and reused arrays must read the same.
func nullEmpty(s Shift) Shift {
	if len(s.Summary.Categories) == 0 {
		s.Summary.Categories = nil
	}
	if len(s.Summary.Brands) == 0 {
		s.Summary.Brands = nil
	}
	if len(s.Summary.Purchased) == 0 {
		s.Summary.Purchased = nil
	}
	if len(s.Predicted) == 0 {
		s.Predicted = nil
	}
	return s
}

// sameShift reports whether a and b are the same shift, their event times the same instant.
func sameShift(a, b Shift) bool {
	if !a.EventTime.Equal(b.EventTime) {
		return false
	}
	a.EventTime, b.EventTime = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// DecodeShift reads what encoding/json reads, and what it reads AppendShift writes back as
// encoding/json would, byte for byte, to the same shift.
func FuzzDecodeShift(f *testing.F) {
	real := readTestdata(f, "records/shift.json")
	f.Add(real)
	for _, p := range []string{
		``, `null`, `{}`, `[]`, ` {"user":"u"} `,
		`{"user":"u","event_time":"2019-10-01T02:00:00+02:00","reason":"first_profile","distance":-0,"summary":{"categories":[],"brands":null,"purchased":[]}}`,
		`{"user":"<&>\u2028","event_time":"0000-01-01T00:00:00+01:00","reason":"new_interest","distance":1e21}`,
		`{"user":"u","event_time":"2019-10-01T00:00:00Z","reason":"new_interest","interest_model":"im1-ab","predicted":[]}`,
		`{"user":"u","event_time":"2019-10-01T00:00:00Z","reason":"new_interest","interest_model":"","predicted":[{"name":"a.b","weight":0.5}]}`,
	} {
		f.Add([]byte(p))
	}
	f.Add(bytes.Replace(real, []byte(`0.42`), []byte(`"0.42"`), 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := DecodeShift(data)
		if err != nil {
			knownRecordFailure(t, data, err)
			return
		}
		var std Shift
		if err := json.Unmarshal(data, &std); err != nil || !reflect.DeepEqual(s, std) {
			t.Fatalf("DecodeShift read %+v, encoding/json %+v (%v)", s, std, err)
		}
		enc, err := AppendShift(nil, &s)
		s = nullEmpty(s)
		want, errStd := json.Marshal(s)
		if (err == nil) != (errStd == nil) || !bytes.Equal(enc, want) {
			t.Fatalf("AppendShift wrote\n%s (%v)\nencoding/json\n%s (%v)", enc, err, want, errStd)
		}
		if err != nil {
			return
		}
		if again, err := DecodeShift(enc); err != nil || !sameShift(again, s) {
			t.Fatalf("round trip through %s = %+v, %v; want %+v", enc, again, err, s)
		}
	})
}

// AppendShift writes any shift as encoding/json does, byte for byte, or fails when encoding/json
// fails; a valid shift reads back as itself.
func FuzzAppendShift(f *testing.F) {
	f.Add("u1", ReasonNewInterest, "electronics.audio", "sony", "USD", "consider", "en-US", "p9",
		uint64(3), int64(1569889205000000000), 0.42, 0.7, 0.5, 49.0, 129.0)
	f.Add("<b>&\"\\\t\x01", "\xff", "日本語", "\u2028", "", "", "zh-CN", "",
		uint64(1<<63), int64(-1), 1e-7, 1e21, 5e-324, -0.0, 1e300)
	f.Fuzz(func(t *testing.T, user, reason, category, brand, currency, stage, locale, purchased string,
		version uint64, nanos int64, distance, wc, wb, lo, hi float64) {
		sh := Shift{
			User: user, ProfileVersion: version, EventTime: time.Unix(0, nanos).UTC(), Reason: reason, Distance: distance,
			Summary: Summary{PriceBand: PriceBand{Min: lo, Max: hi, Currency: currency}, IntentStage: stage, Locale: locale},
		}
		if category != "" {
			sh.Summary.Categories = []Weighted{{Name: category, Weight: wc}, {Name: brand, Weight: wb}}
		}
		if brand != "" {
			sh.Summary.Brands = []Weighted{{Name: brand, Weight: wb}}
		}
		if purchased != "" {
			sh.Summary.Purchased = []string{purchased, category}
		}
		if locale != "" {
			sh.InterestModel = locale + brand
			sh.Predicted = []Weighted{{Name: category, Weight: wc}, {Name: purchased, Weight: distance}}
		}
		got, err := AppendShift([]byte("x"), &sh)
		want, errStd := json.Marshal(sh)
		if (err == nil) != (errStd == nil) {
			t.Fatalf("AppendShift: %v, encoding/json: %v", err, errStd)
		}
		if err != nil {
			return
		}
		if string(got) != "x"+string(want) {
			t.Fatalf("AppendShift wrote\n%s\nencoding/json\n%s", got[1:], want)
		}
		back, err := DecodeShift(got[1:])
		if err != nil {
			return // a shift DecodeShift refuses (no user, unknown reason, negative distance)
		}
		valid := true
		for _, s := range []string{user, reason, category, brand, currency, stage, locale, purchased} {
			valid = valid && utf8.ValidString(s)
		}
		if valid && !sameShift(back, sh) {
			t.Fatalf("round trip through %s = %+v; want %+v", got[1:], back, sh)
		}
	})
}
