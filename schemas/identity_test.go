package schemas

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"
)

func TestIdentityCodec(t *testing.T) {
	f := func(id Identity) {
		t.Helper()
		b := AppendIdentity(nil, id)
		got, err := DecodeIdentity(b)
		if err != nil || got != id {
			t.Fatalf("%s decodes to %+v (%v), want %+v", b, got, err, id)
		}
	}
	f(Identity{Anonymous: "7b2f0e4c-2d9a-4b8e-9f11-0c5d3e8a6b21", User: "user-4711"})
	f(Identity{Anonymous: `a"\x`, User: "ü\u2028"})

	bad := func(value string, kind FailureKind, field string) {
		t.Helper()
		_, err := DecodeIdentity([]byte(value))
		if f, ok := AsFailure(err); !ok || f.Kind != kind || f.Field != field {
			t.Fatalf("DecodeIdentity(%q) = %v, want %s on %q", value, err, kind, field)
		}
	}
	bad(`{"anonymous_id":"a"`, MalformedJSON, "")
	bad("{\"anonymous_id\":\"\xff\",\"user_id\":\"u\"}", InvalidUTF8, "")
	bad(`{"user_id":"u"}`, SchemaViolation, "anonymous_id")
	bad(`{"anonymous_id":"a"}`, SchemaViolation, "user_id")
	bad(`{"anonymous_id":"a","user_id":"a"}`, SchemaViolation, "user_id")
}

func TestSourceHeader(t *testing.T) {
	v := AppendSource(nil, "clickstream.v2", 11, 1<<40)
	topic, part, off, ok := ParseSource(v)
	if !ok || topic != "clickstream.v2" || part != 11 || off != 1<<40 {
		t.Fatalf("ParseSource(%q) = %q %d %d %v", v, topic, part, off, ok)
	}
	for _, bad := range []string{"", "clickstream", "clickstream/1", "/1/2", "c/x/2", "c/1/-2", "c/1/"} {
		if _, _, _, ok := ParseSource([]byte(bad)); ok {
			t.Errorf("ParseSource(%q) ok", bad)
		}
	}
}

func TestIdentifiedShiftDecodes(t *testing.T) {
	sh := Shift{User: "u1", ProfileVersion: 1, EventTime: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC), Reason: ReasonIdentified}
	b, err := AppendShift(nil, &sh)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeShift(b)
	if err != nil || got.Reason != ReasonIdentified {
		t.Fatalf("shift of reason identified: %+v, %v", got, err)
	}
	sh.Reason = "merged"
	b, _ = AppendShift(nil, &sh)
	if _, err := DecodeShift(b); err == nil {
		t.Fatal("an unknown reason decoded")
	}
}

// FuzzDecodeIdentity: whatever decodes encodes back to the same identity, and nothing panics.
func FuzzDecodeIdentity(f *testing.F) {
	f.Add([]byte(`{"anonymous_id":"a","user_id":"u"}`))
	f.Add([]byte(`{"anonymous_id":"\u00e9","user_id":"u","extra":[1,2]}`))
	f.Add([]byte(`{"anonymous_id":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		id, err := DecodeIdentity(data)
		if err != nil {
			if _, ok := AsFailure(err); !ok {
				t.Fatalf("error %v is no *Failure", err)
			}
			return
		}
		again, err := DecodeIdentity(AppendIdentity(nil, id))
		if err != nil || again != id {
			t.Fatalf("%+v encodes to something that decodes to %+v (%v)", id, again, err)
		}
	})
}

func TestDecodeIdentityHead(t *testing.T) {
	f := func(data string, want IdentityHead, wantOK bool) {
		t.Helper()
		got, ok := DecodeIdentityHead([]byte(data), nil)
		if got != want || ok != wantOK {
			t.Fatalf("DecodeIdentityHead(%s) = %+v, %v; want %+v, %v", data, got, ok, want, wantOK)
		}
	}
	f(`{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"userId":"nested"}}`, IdentityHead{Type: "identify", UserID: "u1", AnonymousID: "a1"}, true)
	f(`{"type":"alias","previousId":"a\u00e9","userId":4711}`, IdentityHead{Type: "alias", UserID: "4711", PreviousID: "aé"}, true)
	f(` {"userId":1.5,"anonymousId":null,"type":7} `, IdentityHead{}, true)
	f(`{"userId":"u1"`, IdentityHead{}, false)
	f(`{"userId":"u1"} {}`, IdentityHead{}, false)
	f(`["userId"]`, IdentityHead{}, false)
	f(``, IdentityHead{}, false)
}

// FuzzDecodeIdentityHead: the head reads a JSON object exactly when encoding/json does, and its
// string ids are encoding/json's.
func FuzzDecodeIdentityHead(f *testing.F) {
	f.Add([]byte(`{"type":"identify","userId":"u1","anonymousId":"a1","traits":{"plan":"basic"}}`))
	f.Add([]byte(`{"type":"alias","previousId":"a\u00e9","userId":4711,"userId":"u2"}`))
	f.Add([]byte(`{"userId":[1,{"a":null}],"anonymousId":"x\n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return
		}
		h, ok := DecodeIdentityHead(data, nil)
		var m map[string]any
		err := json.Unmarshal(data, &m)
		if ok != (err == nil && m != nil) {
			t.Fatalf("DecodeIdentityHead ok = %v, encoding/json: %v (%v)", ok, err, m)
		}
		if !ok {
			return
		}
		for key, got := range map[string]string{"type": h.Type, "userId": h.UserID, "anonymousId": h.AnonymousID, "previousId": h.PreviousID} {
			if want, isString := m[key].(string); isString && got != want {
				t.Fatalf("%s = %q, encoding/json reads %q", key, got, want)
			}
		}
	})
}
