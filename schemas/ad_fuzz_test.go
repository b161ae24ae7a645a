package schemas

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// sameAd reports whether a and b are the same ad, their times the same instants.
func sameAd(a, b Ad) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.ExpiresAt.Equal(b.ExpiresAt) {
		return false
	}
	a.CreatedAt, b.CreatedAt, a.ExpiresAt, b.ExpiresAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

// DecodeAd reads what encoding/json reads, refuses malformed input as encoding/json does, and an
// ad it reads encodes by EncodeAd to one that reads back the same.
func FuzzDecodeAd(f *testing.F) {
	real := readTestdata(f, "records/ad.json")
	f.Add(real)
	for _, p := range []string{``, `null`, `{}`, `"ad"`, "\t{\"ad_id\":1}", `{"ad_id":"a","user":"u","product":{"id":"p","price":-0},"strategy":{"group":"holdout"},"created_at":"2019-10-01T00:00:00-07:00"}`} {
		f.Add([]byte(p))
	}
	f.Add(bytes.Replace(real, []byte(`"treatment"`), []byte(`"control"`), 1))
	f.Add(real[:len(real)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeAd(data)
		if err != nil {
			knownRecordFailure(t, data, err)
			return
		}
		var std Ad
		if err := json.Unmarshal(data, &std); err != nil || !reflect.DeepEqual(a, std) {
			t.Fatalf("DecodeAd read %+v, encoding/json %+v (%v)", a, std, err)
		}
		enc, err := EncodeAd(&a)
		if err != nil {
			return // a time beyond year 9999 once in UTC cannot be written back
		}
		if again, err := DecodeAd(enc); err != nil || !sameAd(again, a) {
			t.Fatalf("round trip through %s = %+v, %v; want %+v", enc, again, err, a)
		}
	})
}
