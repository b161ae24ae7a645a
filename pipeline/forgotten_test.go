package pipeline

import (
	"fmt"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// A record is about a forgotten shopper when its key, a header or a shopper member of its value
// (escaped or not, in a batch too) names one; nobody forgotten, or a nil set, names nobody.
func TestForgottenNames(t *testing.T) {
	var none *Forgotten
	if none.Names([]byte("u1"), nil, []byte(`{"userId":"u1"}`)) || none.Has("u1") {
		t.Fatal("a nil set names somebody")
	}
	f := NewForgotten()
	if f.Names([]byte("u1"), nil, []byte(`{"userId":"u1"}`)) {
		t.Fatal("an empty set names somebody")
	}
	f.Add("u1")
	f.Add(`q"uote`)
	g := func(key string, headers []schemas.Header, value string, want bool) {
		t.Helper()
		if got := f.Names([]byte(key), headers, []byte(value)); got != want {
			t.Errorf("key %q headers %v value %s: %v, want %v", key, headers, value, got, want)
		}
	}
	g("u1", nil, `{}`, true)
	g("k", []schemas.Header{{Key: schemas.HeaderIdentify, Value: []byte("u1")}}, `{}`, true)
	g("k", nil, `{"type":"track","userId" : "u1"}`, true)
	g("", nil, `{"batch":[{"anonymousId":"a"},{"anonymousId":"u1"}]}`, true)
	g("", nil, `{"ad_id":"x","user":"u1"}`, true)
	g("", nil, `{"userId":"q\"uote"}`, true)
	g("", nil, `{"userId":"u10","properties":{"product_id":"u1"}}`, false)
	g("u2", nil, `{"userId":"u2"}`, false)
}

// BenchmarkForgottenNames is what the archive stage pays per record to keep a forgotten
// shopper's out: a browser's Product Viewed checked against a set of 1,000 forgotten shoppers,
// none of them its own (the common case), beside the same check with nobody forgotten and,
// for scale, reading the event's head (schemas.DecodeEventHead), which the outcomes stage does
// for every clickstream record anyway.
func BenchmarkForgottenNames(b *testing.B) {
	value := []byte(`{"type":"track","event":"Product Viewed","userId":"512475445","anonymousId":"c6bd7419-2748-4c56-95b4-8cec9ff8b80d",` +
		`"messageId":"m-1","timestamp":"2019-10-01T00:00:04Z","context":{"locale":"en-US","page":{"url":"https://shop.example/p/1004237"}},` +
		`"properties":{"product_id":"1004237","category":"electronics.smartphone","brand":"apple","price":1081.98,"currency":"USD"}}`)
	key := []byte("512475445")
	b.Run("baseline=event_head", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(value)))
		for b.Loop() {
			if _, err := schemas.DecodeEventHead(value, schemas.Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, n := range []int{0, 1000} {
		f := NewForgotten()
		for i := range n {
			f.Add(fmt.Sprintf("gone-%d", i))
		}
		b.Run(fmt.Sprintf("forgotten=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(value)))
			for b.Loop() {
				if f.Names(key, nil, value) {
					b.Fatal("named")
				}
			}
		})
	}
}
