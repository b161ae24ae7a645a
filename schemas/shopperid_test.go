package schemas

import (
	"slices"
	"testing"
)

// ShopperIDs finds every member naming a shopper, with or without spaces around the colon, at the
// very start of the value too, and stops when fn says so.
func TestShopperIDs(t *testing.T) {
	ids := func(value string) []string {
		var out []string
		ShopperIDs([]byte(value), func(id []byte) bool { out = append(out, string(id)); return false })
		return out
	}
	for _, tc := range []struct {
		value string
		want  []string
	}{
		{`{"userId":"u1","event":"Product Viewed"}`, []string{"u1"}},
		{`{"userId": "u2"}`, []string{"u2"}},
		{"{\"userId\"\t:\n\"u3\"}", []string{"u3"}},
		{`{"user":"u4","ad_id":"a"}`, []string{"u4"}},
		{`{"user_id":"u5"}`, []string{"u5"}},
		{`{"event":"Order Completed","anonymousId":"a1"}`, []string{"a1"}},
		{`"anonymousId":"a0"`, []string{"a0"}},
		{`{"userId":"u6","anonymousId":"a6"}`, []string{"u6", "a6"}},
		{`{"username":"nobody","userId":7}`, nil},
		{`{"userId":"unterminated`, nil},
	} {
		if got := ids(tc.value); !slices.Equal(got, tc.want) {
			t.Errorf("ShopperIDs(%s) = %q, want %q", tc.value, got, tc.want)
		}
	}
	var seen []string
	found := ShopperIDs([]byte(`{"userId":"u1","anonymousId":"a1"}`), func(id []byte) bool {
		seen = append(seen, string(id))
		return string(id) == "u1"
	})
	if !found || !slices.Equal(seen, []string{"u1"}) {
		t.Errorf("ShopperIDs stopping at u1: found %v after %q", found, seen)
	}
}
