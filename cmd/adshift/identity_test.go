package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
)

// sdkDir holds the tracking SDKs from npm (scripts/deps.sh installs them) and send.js, which
// sends calls with them.
const sdkDir = "../../sources/collector/testdata/node"

// sdkCall is one call of send.js: an SDK method and the message it takes.
type sdkCall struct {
	Method  string         `json:"method"`
	Message map[string]any `json:"message"`
}

// sendCalls sends calls to the collector at addr with the tracking SDK sdk (segment-node or
// rudder-node), failing the test unless the SDK reports every call delivered.
func sendCalls(t *testing.T, sdk, addr, writeKey string, calls ...sdkCall) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: run scripts/deps.sh (Debian: apt-get install nodejs npm)")
	}
	if _, err := os.Stat(filepath.Join(sdkDir, "node_modules", "@segment", "analytics-node", "package.json")); err != nil {
		t.Fatalf("the tracking SDKs are not installed in %s: run scripts/deps.sh", sdkDir)
	}
	in, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, "send.js", sdk)
	cmd.Dir = sdkDir
	cmd.Env = append(os.Environ(), "COLLECTOR_URL=http://"+addr, "WRITE_KEY="+writeKey)
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("send.js %s: %v\n%s", sdk, err, out.String())
	}
}

// viewCall is a Product Viewed of a smartphone the sample catalogue holds, at minute min.
func viewCall(ids map[string]any, product string, min int) sdkCall {
	msg := map[string]any{
		"event":     schemas.ProductViewed,
		"timestamp": time.Date(2019, 10, 1, 0, min, 0, 0, time.UTC).Format(time.RFC3339),
		"properties": map[string]any{"product_id": product, "category": "electronics.smartphone",
			"brand": "samsung", "price": 200, "currency": "USD"},
	}
	for k, v := range ids {
		msg[k] = v
	}
	return sdkCall{Method: "track", Message: msg}
}

// A shopper browses anonymously, signs in (identify) and browses on, every call sent through the
// collector by a real tracking SDK: the anonymous profile is merged into the known user's, the
// join is kept in adshift.identities, the merge is on the shift that follows (reason identified),
// and the ad on ads.ready is for the known user; no shift and no ad name the anonymous id.
func TestIdentifiedShopperGetsOneProfileAndAnAd(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	a.cfg.Collector.Addr = freeAddr(t)
	a.cfg.Collector.WriteKeys = []string{"wk_identity"}
	stop := startRun(t, a, []string{collectorStage, rekey.Name, features.Name, creatives.Name})
	defer stop()
	const anon, user = "anon-7f3c", "shopper-42"
	processed := func(n float64) func() bool {
		return func() bool { return recordsProcessed(t, a, features.Name) >= n }
	}

	anonymous := map[string]any{"anonymousId": anon}
	sendCalls(t, "segment-node", a.cfg.Collector.Addr, "wk_identity",
		viewCall(anonymous, "1004767", 0), viewCall(anonymous, "1004833", 1))
	waitFor(t, "the anonymous views in the features stage", 30*time.Second, processed(2))

	sendCalls(t, "segment-node", a.cfg.Collector.Addr, "wk_identity", sdkCall{Method: "identify", Message: map[string]any{
		"userId": user, "anonymousId": anon, "traits": map[string]any{"plan": "basic"},
		"timestamp": time.Date(2019, 10, 1, 0, 2, 0, 0, time.UTC).Format(time.RFC3339),
	}})
	// The identify on the anonymous profile's partition, then the merge on the user's.
	waitFor(t, "the identify and the merge in the features stage", 30*time.Second, processed(4))

	known := map[string]any{"userId": user, "anonymousId": anon}
	sendCalls(t, "rudder-node", a.cfg.Collector.Addr, "wk_identity",
		viewCall(known, "1005115", 3), viewCall(known, "1004767", 4))

	var ad *kgo.Record
	waitFor(t, "an ad on "+a.cfg.Topics.Ads.Name, 60*time.Second, func() bool {
		return endOffsets(t, brokers, a.cfg.Topics.Ads.Name) > 0
	})
	ads := readAll(t, brokers, a.cfg.Topics.Ads.Name)
	for _, r := range ads {
		if string(r.Key) != user {
			t.Errorf("ad for %q, want every ad for %q", r.Key, user)
		}
		ad = r
	}
	got, err := schemas.DecodeAd(ad.Value)
	if err != nil || got.User != user || !strings.HasPrefix(got.Product.Category, "electronics.smartphone") {
		t.Fatalf("ad %+v (%v), want one for %s on what the shopper browsed", got, err, user)
	}

	var identified bool
	var shifts []string
	for _, r := range readAll(t, brokers, a.cfg.Topics.Shifts.Name) {
		shifts = append(shifts, string(r.Value))
		sh, err := schemas.DecodeShift(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		if sh.User != user {
			t.Errorf("shift for %q, want every shift for %q", sh.User, user)
		}
		identified = identified || sh.Reason == schemas.ReasonIdentified
	}
	if !identified {
		t.Errorf("no shift of reason %q", schemas.ReasonIdentified)
	}

	// One profile: the anonymous one tombstoned, the user's written; the join kept.
	profiles := map[string][]byte{}
	for _, r := range readAll(t, brokers, a.cfg.Topics.Profiles.Name) {
		if !strings.HasPrefix(string(r.Key), "\x00") {
			profiles[string(r.Key)] = r.Value
		}
	}
	if v, ok := profiles[anon]; !ok || v != nil {
		t.Errorf("the anonymous profile's latest changelog value is %q, want a tombstone", v)
	}
	if len(profiles[user]) == 0 {
		t.Errorf("no profile of %s in the changelog", user)
	}
	ids := readAll(t, brokers, a.cfg.Topics.Identities.Name)
	if len(ids) != 1 {
		t.Fatalf("%d records on %s, want 1", len(ids), a.cfg.Topics.Identities.Name)
	}
	if id, err := schemas.DecodeIdentity(ids[0].Value); err != nil || id != (schemas.Identity{Anonymous: anon, User: user}) {
		t.Errorf("identity %+v (%v), want %s = %s", id, err, anon, user)
	}
	if string(ids[0].Key) != anon || header(ids[0], "adshift.schema") != "adshift.identity.v1" {
		t.Errorf("identity record key %q, headers %v", ids[0].Key, ids[0].Headers)
	}
	// The JSON Schemas in the repo describe the identity and the identified shift.
	if err := validateJSON(t, "identity.json", []string{string(ids[0].Value)}); err != nil {
		t.Errorf("identity against schemas/jsonschema/identity.json: %v", err)
	}
	if err := validateJSON(t, "shift.json", shifts); err != nil {
		t.Errorf("shifts against schemas/jsonschema/shift.json: %v", err)
	}
}

// An alias call as analytics-node sends it (previousId, userId) joins the ids like an identify:
// the join is on adshift.identities, and the previous id's later events are keyed by the user.
func TestAliasFromTheSDKJoinsTheIDs(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	a.cfg.Collector.Addr = freeAddr(t)
	a.cfg.Collector.WriteKeys = []string{"wk_alias"}
	stop := startRun(t, a, []string{collectorStage, rekey.Name})
	defer stop()
	sendCalls(t, "segment-node", a.cfg.Collector.Addr, "wk_alias", sdkCall{Method: "alias", Message: map[string]any{
		"previousId": "guest-19", "userId": "member-19",
		"timestamp": time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339),
	}})
	waitFor(t, "the join on "+a.cfg.Topics.Identities.Name, 30*time.Second, func() bool {
		return endOffsets(t, brokers, a.cfg.Topics.Identities.Name) == 1
	})
	sendCalls(t, "segment-node", a.cfg.Collector.Addr, "wk_alias", viewCall(map[string]any{"anonymousId": "guest-19"}, "1004767", 1))
	waitFor(t, "the view on "+a.cfg.Topics.Keyed.Name, 30*time.Second, func() bool {
		return endOffsets(t, brokers, a.cfg.Topics.Keyed.Name) == 2
	})
	ids := readAll(t, brokers, a.cfg.Topics.Identities.Name)
	if id, err := schemas.DecodeIdentity(ids[0].Value); err != nil || id != (schemas.Identity{Anonymous: "guest-19", User: "member-19"}) {
		t.Fatalf("identity %+v (%v), want guest-19 = member-19", id, err)
	}
	keys := map[string]string{}
	for _, r := range readAll(t, brokers, a.cfg.Topics.Keyed.Name) {
		var h struct{ Type string }
		if err := json.Unmarshal(r.Value, &h); err != nil {
			t.Fatal(err)
		}
		keys[h.Type] = string(r.Key)
	}
	if keys["alias"] != "guest-19" || keys["track"] != "member-19" {
		t.Fatalf("keys on %s by call type %v, want the alias under guest-19 and the later view under member-19", a.cfg.Topics.Keyed.Name, keys)
	}
}
