package features

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// forgetRequest is a deletion request as the rekey stage forwards it from the control topic.
func forgetRequest(t *testing.T, user string) pipeline.Record {
	t.Helper()
	v, err := schemas.EncodeControl(schemas.Control{Type: schemas.ControlForget, User: user, RequestedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	return keyed(user, v, schemas.Header{Key: schemas.HeaderForget, Value: []byte(user)})
}

// withConsent returns the event with context.consent.categoryPreferences set to prefs.
func withConsent(t *testing.T, event []byte, prefs map[string]bool) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(event, &m); err != nil {
		t.Fatal(err)
	}
	m["context"] = map[string]any{"consent": map[string]any{"categoryPreferences": prefs}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A forgotten shopper's profile is gone from memory and from the changelog, a restored partition
// does not bring it back, and their later events make no profile and no shift; another shopper
// of the same partition keeps theirs.
func TestForgetDeletesTheProfileAndSuppressesLaterEvents(t *testing.T) {
	b := &broker{}
	p := openKeyed(t, b, 0)
	profiles, shifts := pipeline.DefaultTopics().Profiles, pipeline.DefaultTopics().Shifts
	for i := range 4 {
		at := time.Duration(i) * time.Minute
		p.feed(keyed("u1", view("u1", at, "Audio")), keyed("u2", view("u2", at, "Games")))
	}
	if got := len(b.take(shifts)); got != 2 {
		t.Fatalf("shifts before the request: %d, want a first profile each", got)
	}
	p.feed(forgetRequest(t, "u1"))
	st := (&changelogStore{topic: profiles, log: map[int32][]pipeline.Record{0: b.take(profiles)}}).state(0)
	if _, ok := st["u1"]; ok {
		t.Fatal("u1's profile is still in the compacted changelog after the request")
	}
	if _, ok := st["u2"]; !ok {
		t.Fatal("u2's profile went with u1's")
	}
	if _, ok := st[forgottenPrefix+"u1"]; !ok {
		t.Fatal("no forgotten marker for u1 in the changelog")
	}

	again := openKeyed(t, b, 0) // a restart: restored from the changelog
	again.next = p.next
	pt := &Partition{p: again.proc.(*processor)}
	if pt.Events("u1") != 0 || !pt.Forgotten("u1") || pt.Events("u2") != 4 {
		t.Fatalf("restored: u1 events %d forgotten %v, u2 events %d; want 0, true, 4", pt.Events("u1"), pt.Forgotten("u1"), pt.Events("u2"))
	}
	for i := range 4 {
		again.feed(keyed("u1", view("u1", time.Hour+time.Duration(i)*time.Minute, "Cameras")))
	}
	if got := b.take(shifts); len(got) != 0 {
		t.Fatalf("a forgotten shopper's new events published %d shifts", len(got))
	}
	if pt.Events("u1") != 0 {
		t.Fatalf("a forgotten shopper's new events built a profile of %d events", pt.Events("u1"))
	}
	// Forgetting again (a redelivered request) is harmless.
	again.feed(forgetRequest(t, "u1"))
	if pt.Events("u2") != 4 {
		t.Fatal("a second request for u1 touched u2")
	}
}

// A request that names no shopper is dead-lettered, not dropped.
func TestForgetRequestThatDoesNotDecodeIsDeadLettered(t *testing.T) {
	b := &broker{}
	p := openKeyed(t, b, 0)
	p.feed(keyed("u1", []byte(`{"type":"forget"}`), schemas.Header{Key: schemas.HeaderForget, Value: []byte("u1")}))
	dl := b.take(pipeline.DefaultTopics().DLQ)
	if len(dl) != 1 || string(dl[0].Header(schemas.HeaderFailure)) != string(schemas.SchemaViolation) {
		t.Fatalf("dead letters %+v, want one schema_violation", dl)
	}
}

// Events whose consent refuses advertising build no profile and publish no shift, and withdrawn
// consent deletes the profile built before; events that grant it, or say nothing, are unaffected.
func TestConsentRefusingAdvertisingBuildsNoProfile(t *testing.T) {
	b := &broker{}
	p := openKeyed(t, b, 0)
	pt := &Partition{p: p.proc.(*processor)}
	shifts := pipeline.DefaultTopics().Shifts
	refused := map[string]bool{"Advertising": false, "Analytics": true}
	granted := map[string]bool{"Advertising": true, "Analytics": false}
	for i := range 4 {
		at := time.Duration(i) * time.Minute
		p.feed(keyed("no", withConsent(t, view("no", at, "Audio"), refused)),
			keyed("yes", withConsent(t, view("yes", at, "Audio"), granted)),
			keyed("silent", view("silent", at, "Audio")))
	}
	users := map[string]bool{}
	for _, s := range shiftsOf(t, b.take(shifts)) {
		users[s.User] = true
	}
	if users["no"] || !users["yes"] || !users["silent"] {
		t.Fatalf("shifts for %v, want yes and silent, not no", users)
	}
	if pt.Events("no") != 0 || pt.Events("yes") != 4 {
		t.Fatalf("profiles: no %d events, yes %d; want 0 and 4", pt.Events("no"), pt.Events("yes"))
	}
	p.feed(keyed("yes", withConsent(t, view("yes", 5*time.Minute, "Audio"), map[string]bool{"Marketing": false})))
	if pt.Events("yes") != 0 {
		t.Fatalf("consent withdrawn (Marketing false) left a profile of %d events", pt.Events("yes"))
	}
}
