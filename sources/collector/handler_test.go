package collector

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/kafka/franz"
)

const viewed = `{"userId":"u-1","event":"Product Viewed","timestamp":"2026-11-30T10:00:00Z",` +
	`"properties":{"product_id":"p-9","category":"Electronics > Audio","price":19.99},"context":{"locale":"en-GB"}}`

func TestTrackLandsKeyedAndCompleted(t *testing.T) {
	rg := newRig(t, Config{}, nil)
	res := rg.post(t, "/v1/track", testKey, []byte(viewed), false)
	if res.status != http.StatusOK || !res.body.Success {
		t.Fatalf("POST /v1/track = %d %+v, want 200 success", res.status, res.body)
	}
	// The same call again, as a tracker retrying: the messageId filled in is the same.
	if res := rg.post(t, "/v1/t", testKey, []byte(viewed), false); res.status != http.StatusOK {
		t.Fatalf("POST /v1/t = %d %+v", res.status, res.body)
	}
	recs := rg.consume(t, rg.topics.Clickstream, 2)
	for _, r := range recs {
		if string(r.Key) != "u-1" {
			t.Errorf("key = %q, want the userId u-1", r.Key)
		}
		ev, err := schemas.DecodeEvent(r.Value, schemas.Limits{})
		if err != nil {
			t.Fatalf("produced event does not decode: %v: %s", err, r.Value)
		}
		if ev.Type != "track" || ev.Event != schemas.ProductViewed || ev.Properties.ProductID != "p-9" || ev.Context.Locale != "en-GB" {
			t.Errorf("event = %+v", ev)
		}
		if f := fields(t, r); f["receivedAt"] == nil {
			t.Errorf("receivedAt not filled in: %s", r.Value)
		}
		if got := franz.EventTime(r); !got.Equal(ev.Timestamp) {
			t.Errorf("record event time %v, want the event's %v", got, ev.Timestamp)
		}
	}
	id1, id2 := fields(t, recs[0])["messageId"], fields(t, recs[1])["messageId"]
	if id1 != id2 || !strings.HasPrefix(fmt.Sprint(id1), "adshift-") {
		t.Fatalf("messageIds %v and %v: want one stable content hash for one event", id1, id2)
	}
	if got := rg.counter(t, "adshift_collector_requests_total", "path", "/v1/track", "code", "200"); got != 2 {
		t.Errorf("requests{/v1/track,200} = %v, want 2 (the short path counts as its call)", got)
	}
}

func TestBatchGzippedAcceptsTheGoodAndDeadLettersTheBad(t *testing.T) {
	rg := newRig(t, Config{}, nil)
	body := `{"writeKey":"` + testKey + `","context":{"locale":"de-DE","library":{"name":"x"}},"batch":[` +
		`{"type":"page","anonymousId":"a-7","messageId":"m1","timestamp":"2026-11-30T10:00:00Z","name":"Home"},` +
		`{"type":"track","anonymousId":"a-7","messageId":"m2","timestamp":"2026-11-30T10:01:00Z","event":"Product Viewed","properties":{"sku":"s-1"},"context":{"locale":"fr-FR"}},` +
		`{"type":"track","messageId":"m3","timestamp":"2026-11-30T10:02:00Z","event":"Product Viewed","properties":{"product_id":"p"}},` +
		`{"type":"identify","userId":"u-7","anonymousId":"a-7","messageId":"m4","timestamp":"2026-11-30T10:03:00Z","traits":{"plan":"x"}}` +
		`]}`
	res := rg.post(t, "/v1/batch", "", []byte(body), true)
	if res.status != http.StatusBadRequest {
		t.Fatalf("batch with an event without user = %d %+v, want 400", res.status, res.body)
	}
	if len(res.body.Errors) != 1 || res.body.Errors[0].Index != 2 || res.body.Errors[0].Kind != string(schemas.MissingUser) {
		t.Fatalf("errors = %+v, want index 2 missing_user", res.body.Errors)
	}
	recs := rg.consume(t, rg.topics.Clickstream, 3)
	keys := map[string]string{}
	for _, r := range recs {
		f := fields(t, r)
		keys[fmt.Sprint(f["messageId"])] = string(r.Key)
		if _, leaked := f["writeKey"]; leaked {
			t.Errorf("the write key was produced: %s", r.Value)
		}
		ctx, _ := f["context"].(map[string]any)
		if ctx["library"] == nil {
			t.Errorf("the batch's context was not merged in: %s", r.Value)
		}
		if f["messageId"] == "m2" && ctx["locale"] != "fr-FR" {
			t.Errorf("the event's own context lost to the batch's: %s", r.Value)
		}
	}
	if want := map[string]string{"m1": "a-7", "m2": "a-7", "m4": "u-7"}; fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("keys by messageId = %v, want %v (userId, else anonymousId)", keys, want)
	}
	dl := rg.consume(t, rg.topics.DLQ, 1)[0]
	if k := header(dl, schemas.HeaderFailure); k != string(schemas.MissingUser) {
		t.Errorf("dead letter kind = %q", k)
	}
	if header(dl, schemas.HeaderStage) != Stage || header(dl, schemas.HeaderTopic) != "/v1/batch" {
		t.Errorf("dead letter headers = %v", dl.Headers)
	}
	if !bytes.Contains(dl.Value, []byte(`"messageId":"m3"`)) || bytes.Contains(dl.Value, []byte("m2")) {
		t.Errorf("dead letter holds %s, want the rejected event's own bytes", dl.Value)
	}
	if got := rg.counter(t, "adshift_collector_events_rejected_total", "kind", string(schemas.MissingUser)); got != 1 {
		t.Errorf("rejected{missing_user} = %v", got)
	}
	if got := rg.counter(t, "adshift_collector_events_accepted_total", "type", "identify"); got != 1 {
		t.Errorf("accepted{identify} = %v", got)
	}
}

func TestWriteKeys(t *testing.T) {
	rg := newRig(t, Config{WriteKeys: []string{testKey, "wk_other"}}, nil)
	withBodyKey := strings.Replace(viewed, `{`, `{"writeKey":"wk_other",`, 1)
	for _, c := range []struct {
		name, key, body string
		want            int
	}{
		{"no key", "", viewed, http.StatusUnauthorized},
		{"unknown basic key", "wk_nope", viewed, http.StatusUnauthorized},
		{"unknown basic key, known body key", "wk_nope", withBodyKey, http.StatusUnauthorized},
		{"unknown body key", "", strings.Replace(withBodyKey, "wk_other", "wk_nope", 1), http.StatusUnauthorized},
		{"malformed body, no key", "", `{"userId":`, http.StatusUnauthorized},
		{"second basic key", "wk_other", viewed, http.StatusOK},
		{"body key", "", withBodyKey, http.StatusOK},
	} {
		if res := rg.post(t, "/v1/track", c.key, []byte(c.body), false); res.status != c.want {
			t.Errorf("%s: %d %+v, want %d", c.name, res.status, res.body, c.want)
		}
	}
	rg.consume(t, rg.topics.Clickstream, 2)
}

func TestBadPayloadsAre400AndDeadLettered(t *testing.T) {
	rg := newRig(t, Config{}, nil)
	for _, c := range []struct {
		path, body string
		kind       schemas.FailureKind
	}{
		{"/v1/track", `{"userId":"u","event":"Product Viewed",`, schemas.MalformedJSON},
		{"/v1/page", `{"type":"track","userId":"u","event":"x"}`, schemas.SchemaViolation}, // a track posted as a page
		{"/v1/batch", `{"events":[]}`, schemas.SchemaViolation},                            // no batch
		{"/v1/track", `{"userId":"u","event":"x"}`, schemas.SchemaViolation},               // filled timestamp… but no
		{"/v1/identify", `{"traits":{"email":"x"}}`, schemas.MissingUser},                  // no user at all
		{"/v1/track", `{"userId":"u","timestamp":"yesterday","event":"x"}`, schemas.SchemaViolation},
	} {
		res := rg.post(t, c.path, testKey, []byte(c.body), false)
		if c.path == "/v1/track" && c.body == `{"userId":"u","event":"x"}` {
			// A track with user, name and no time is complete once receivedAt stands in.
			if res.status != http.StatusOK {
				t.Errorf("%s %s = %d %+v, want 200", c.path, c.body, res.status, res.body)
			}
			continue
		}
		if res.status != http.StatusBadRequest || len(res.body.Errors) != 1 || res.body.Errors[0].Kind != string(c.kind) {
			t.Errorf("%s %s = %d %+v, want 400 %s", c.path, c.body, res.status, res.body, c.kind)
		}
	}
	dls := rg.consume(t, rg.topics.DLQ, 5)
	for _, dl := range dls {
		if header(dl, schemas.HeaderDetail) == "" || header(dl, schemas.HeaderStage) != Stage {
			t.Errorf("dead letter without its detail or stage: %v", dl.Headers)
		}
	}
	rg.consume(t, rg.topics.Clickstream, 1)
}
