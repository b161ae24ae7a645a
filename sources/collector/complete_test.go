package collector

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

var receivedAt = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func TestCompleteFillsWhatIsMissing(t *testing.T) {
	f := func(raw string, fl fill, want map[string]any) {
		t.Helper()
		fl.receivedAt = receivedAt
		out, fail := complete([]byte(raw), fl)
		if fail != nil {
			t.Fatalf("complete(%s): %v", raw, fail)
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("complete(%s) = %s, not JSON: %v", raw, out, err)
		}
		for k, v := range want {
			if gv, ok := got[k]; !ok || (v != nil && !jsonEqual(gv, v)) {
				t.Errorf("complete(%s)[%s] = %v, want %v (all: %s)", raw, k, gv, v, out)
			}
		}
		if _, ok := got["writeKey"]; ok {
			t.Errorf("complete(%s) kept writeKey: %s", raw, out)
		}
	}
	at := receivedAt.Format(time.RFC3339Nano)
	f(`{"userId":"u","event":"x"}`, fill{callType: "track"},
		map[string]any{"type": "track", "receivedAt": at, "timestamp": at, "messageId": nil})
	f(`{"type":"page","userId":"u","messageId":"m","timestamp":"2026-01-01T00:00:00Z","receivedAt":"r","writeKey":"k"}`, fill{},
		map[string]any{"type": "page", "messageId": "m", "timestamp": "2026-01-01T00:00:00Z", "receivedAt": "r"})
	f(`{"userId":"u","originalTimestamp":"2026-01-01T00:00:00Z"}`, fill{callType: "identify"},
		map[string]any{"originalTimestamp": "2026-01-01T00:00:00Z"})
	f(`{}`, fill{callType: "track", batchContext: []byte(`{"ip":"1.2.3.4"}`)},
		map[string]any{"context": map[string]any{"ip": "1.2.3.4"}})
	f(`{"context":{"locale":"de","ip":"5.6.7.8"}}`, fill{batchContext: []byte(`{"ip":"1.2.3.4","library":{"name":"l"}}`)},
		map[string]any{"context": map[string]any{"locale": "de", "ip": "5.6.7.8", "library": map[string]any{"name": "l"}}})
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func TestContentIDIsStableAcrossRetries(t *testing.T) {
	id := func(raw string, callType string) string {
		t.Helper()
		out, fail := complete([]byte(raw), fill{callType: callType, receivedAt: receivedAt})
		if fail != nil {
			t.Fatal(fail)
		}
		var m struct{ MessageID string }
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatal(err)
		}
		return m.MessageID
	}
	first := id(`{"userId":"u","event":"x","sentAt":"2026-01-01T00:00:01Z"}`, "track")
	retry := id(`{"userId":"u","event":"x","sentAt":"2026-01-01T00:00:09Z","_metadata":{"retryCount":1},"writeKey":"k"}`, "track")
	if first != retry || !strings.HasPrefix(first, "adshift-") {
		t.Fatalf("ids %q and %q: a retry must keep the id", first, retry)
	}
	if other := id(`{"userId":"u","event":"y"}`, "track"); other == first {
		t.Fatalf("two events share the id %q", first)
	}
	if page := id(`{"userId":"u","event":"x"}`, "page"); page == first {
		t.Fatalf("a page and a track with the same members share the id %q", first)
	}
}

func TestCompleteRefusesTheWrongTypeAndBadJSON(t *testing.T) {
	f := func(raw, callType string, kind schemas.FailureKind) {
		t.Helper()
		if _, fail := complete([]byte(raw), fill{callType: callType, receivedAt: receivedAt}); fail == nil || fail.Kind != kind {
			t.Errorf("complete(%s, %q) = %v, want %s", raw, callType, fail, kind)
		}
	}
	f(`{"type":"page"}`, "track", schemas.SchemaViolation)
	f(`{"type":7}`, "track", schemas.SchemaViolation)
	f(`{"a":}`, "track", schemas.MalformedJSON)
	f(`{"a":"b"`, "", schemas.MalformedJSON)
	f(`["a"]`, "", schemas.MalformedJSON)
	f(`{"a":"b"} x`, "", schemas.MalformedJSON)
}

// The member scanner splits what encoding/json reads as an object into the same members, and
// never panics on what it cannot read.
func FuzzObjectMembers(f *testing.F) {
	for _, s := range []string{viewed, `{}`, `{"a":[1,{"b":"}"}],"c":"\"\\"}`, `{"a":{"b":[]}} `, `{"a"`, `[1]`, `{"a":"\u00e9"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ms, err := objectMembers(data)
		var want map[string]json.RawMessage
		if json.Unmarshal(data, &want) != nil || want == nil {
			return // not an object: the scanner may accept what the decoder later refuses
		}
		if err != nil {
			t.Fatalf("objectMembers(%q): %v; encoding/json reads it", data, err)
		}
		for _, m := range ms {
			var key string
			if err := json.Unmarshal(append(append([]byte{'"'}, m.key...), '"'), &key); err != nil {
				t.Fatalf("key %q does not unquote", m.key)
			}
			if v, ok := want[key]; !ok || !json.Valid(m.value) || (len(ms) == len(want) && !bytes.Equal(compact(t, v), compact(t, m.value))) {
				t.Fatalf("member %q = %s, encoding/json has %s", key, m.value, v)
			}
		}
	})
}

func compact(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("compact %s: %v", b, err)
	}
	return buf.Bytes()
}

// What complete makes of a JSON object is a JSON object again, with every member it kept as it
// was, and it never panics on anything else.
func FuzzComplete(f *testing.F) {
	for _, s := range []string{viewed, `{}`, `{"writeKey":"k","context":{"a":1}}`, `{"type":"track","context":[1]}`, `{"a"`} {
		f.Add([]byte(s), []byte(`{"ip":"1.2.3.4"}`), uint8(1))
	}
	// The call type comes from the route, one of these.
	types := []string{"", "track", "page", "screen", "identify", "alias", "group"}
	f.Fuzz(func(t *testing.T, raw, batchContext []byte, route uint8) {
		callType := types[int(route)%len(types)]
		if !json.Valid(batchContext) {
			batchContext = nil
		}
		out, fail := complete(raw, fill{callType: callType, receivedAt: receivedAt, batchContext: batchContext})
		var in map[string]json.RawMessage
		if fail != nil || json.Unmarshal(raw, &in) != nil || in == nil {
			return
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("complete(%q) = %q: not JSON: %v", raw, out, err)
		}
		for k, v := range in {
			if k == "writeKey" || (k == "context" && batchContext != nil) {
				continue
			}
			if !bytes.Equal(compact(t, got[k]), compact(t, v)) {
				t.Fatalf("complete(%q)[%q] = %s, want %s", raw, k, got[k], v)
			}
		}
	})
}
