package pipeline

import (
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
