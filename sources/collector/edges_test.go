package collector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// membersOf decodes a completed event, failing on a repeated key (JSON a decoder may read either
// way).
func membersOf(t *testing.T, out []byte) map[string]json.RawMessage {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s is not an object", out)
	}
	got := map[string]json.RawMessage{}
	for dec.More() {
		k, _ := dec.Token()
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if _, dup := got[k.(string)]; dup {
			t.Fatalf("%q twice in %s", k, out)
		}
		got[k.(string)] = v
	}
	return got
}

// An empty or null messageId is replaced, not kept beside the new one; a null context in a batch
// takes the batch's.
func TestCompleteReplacesEmptyMembers(t *testing.T) {
	for _, raw := range []string{
		`{"userId":"u","event":"x","messageId":"","timestamp":"2026-01-01T00:00:00Z"}`,
		`{"userId":"u","event":"x","messageId":null,"timestamp":"2026-01-01T00:00:00Z"}`,
	} {
		out, fail := complete([]byte(raw), fill{callType: "track", receivedAt: receivedAt})
		if fail != nil {
			t.Fatal(fail)
		}
		if id := string(membersOf(t, out)["messageId"]); !strings.HasPrefix(id, `"adshift-`) {
			t.Errorf("complete(%s) messageId = %s, want a content id", raw, id)
		}
	}
	out, fail := complete([]byte(`{"userId":"u","event":"x","context":null}`), fill{callType: "track", receivedAt: receivedAt, batchContext: []byte(`{"locale":"en-GB"}`)})
	if fail != nil {
		t.Fatal(fail)
	}
	if ctx := string(membersOf(t, out)["context"]); ctx != `{"locale":"en-GB"}` {
		t.Errorf("context = %s, want the batch's", ctx)
	}
}

// Two identical calls with neither messageId nor timestamp, received a minute apart, are two
// events; a retry of an event with its timestamp keeps its id.
func TestContentIDTellsUntimedEventsApart(t *testing.T) {
	id := func(raw string, at time.Time) string {
		out, fail := complete([]byte(raw), fill{callType: "track", receivedAt: at})
		if fail != nil {
			t.Fatal(fail)
		}
		return string(membersOf(t, out)["messageId"])
	}
	untimed := `{"userId":"u","event":"Product Viewed"}`
	if id(untimed, receivedAt) == id(untimed, receivedAt.Add(time.Minute)) {
		t.Error("two untimed calls a minute apart got one messageId")
	}
	timed := `{"userId":"u","event":"Product Viewed","timestamp":"2026-01-01T00:00:00Z"}`
	if id(timed, receivedAt) != id(timed, receivedAt.Add(time.Minute)) {
		t.Error("a retried timed event got a new messageId")
	}
}

// A batch's context is merged into every event: an event that grows past 32 KB by it is
// refused as too large, so a small compressed request cannot fan out into megabytes of records.
func TestBatchContextCountsTowardsTheEventLimit(t *testing.T) {
	rg := newRig(t, Config{}, nil)
	ctx := fmt.Sprintf(`{"padding":%q}`, strings.Repeat("x", 20_000))
	var events []string
	for i := range 3 {
		events = append(events, fmt.Sprintf(`{"type":"track","userId":"u","event":"Product Viewed","messageId":"m%d","timestamp":"2026-11-30T10:00:00Z","properties":{"product_id":"p","note":%q}}`, i, strings.Repeat("y", 15_000)))
	}
	body := `{"batch":[` + strings.Join(events, ",") + `],"context":` + ctx + `}`
	res := rg.post(t, "/v1/batch", testKey, []byte(body), true)
	if res.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d (%+v), want 413", res.status, res.body)
	}
	if len(res.body.Errors) != 3 || res.body.Errors[0].Field != "context" {
		t.Errorf("errors %+v, want all three events refused for the merged context", res.body.Errors)
	}
	if n := rg.counter(t, "adshift_collector_events_accepted_total", "type", "track"); n != 0 {
		t.Errorf("%v events accepted, want none", n)
	}
}
