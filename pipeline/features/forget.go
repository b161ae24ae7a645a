package features

import (
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// forgottenPrefix starts the changelog key of a forgotten marker: the shopper after it was
// forgotten on a deletion request. User keys starting with NUL are reserved, so none collides.
// The marker never expires: it is what keeps a forgotten shopper's later events from building a
// profile again, after a restart as before it.
const forgottenPrefix = "\x00adshift.features.forgotten\x00"

// request applies a deletion request the rekey stage forwarded from the control topic (marked
// HeaderForget, keyed by the shopper): the shopper's profile is deleted here and tombstoned in
// the changelog, and a forgotten marker makes every later event of theirs skipped. A request
// that does not decode is dead-lettered. Forgetting twice changes nothing.
func (p *processor) request(in *pipeline.Record) error {
	c, err := schemas.DecodeControl(in.Value)
	if err != nil {
		return p.rejected(in, err)
	}
	user := c.User
	if len(in.Key) > 0 {
		user = string(in.Key) // the shopper the rekey stage resolved: the known user of an anonymous id
	}
	p.forget(user, c)
	if c.User != user {
		p.forget(c.User, c) // the id asked about, joined to user: its marker confirms the request too
	}
	return nil
}

// forget deletes user's profile and marks them forgotten, here and in the changelog.
func (p *processor) forget(user string, c schemas.Control) {
	s := p.stage
	_, again := p.forgotten[user]
	if p.forgotten == nil {
		p.forgotten = map[string]struct{}{}
	}
	user = strings.Clone(user)
	p.forgotten[user] = struct{}{}
	had := p.drop(user)
	if !again {
		s.metrics.forgotten.Inc()
	}
	var at []byte
	if !c.RequestedAt.IsZero() {
		at = c.RequestedAt.UTC().AppendFormat(nil, time.RFC3339Nano)
	}
	// The marker's value is when it was asked for: never empty, or it would read as a tombstone.
	p.changes = append(p.changes, p.changelog([]byte(forgottenPrefix+user), append([]byte("forgotten "), at...)))
	s.log.Info("shopper forgotten", "partition", p.partition, "user", user, "had_profile", had, "again", again,
		"request_id", c.RequestID)
}

// drop deletes user's profile, if this partition holds one, tombstoning it in the changelog, and
// reports whether there was one.
func (p *processor) drop(user string) bool {
	delete(p.identified, user)
	prof := p.profiles[user]
	if prof == nil {
		return false
	}
	p.predictor.release(prof)
	delete(p.profiles, user)
	p.changes = append(p.changes, p.changelog([]byte(user), nil))
	p.stage.metrics.profiles.Dec()
	return true
}

// suppressed reports whether the event of user must build no profile, counting why: the shopper
// was forgotten, or the event refuses advertising in its consent preferences, which also deletes
// a profile built before consent was withdrawn (the next event that grants it starts anew).
func (p *processor) suppressed(user string, ev *schemas.Event) bool {
	s := p.stage
	if _, gone := p.forgotten[user]; gone {
		s.metrics.skipped[skipForgotten].Inc()
		return true
	}
	if ev.Context.Consent.Refused() {
		s.metrics.skipped[skipConsent].Inc()
		if p.drop(user) {
			s.metrics.dropped.Inc()
		}
		return true
	}
	return false
}

// restoreForgotten reads a forgotten marker of the changelog back; ok is false for other keys.
func (p *processor) restoreForgotten(key, value []byte) (ok bool) {
	user, ok := strings.CutPrefix(string(key), forgottenPrefix)
	if !ok {
		return false
	}
	if value == nil {
		delete(p.forgotten, user)
		return true
	}
	if p.forgotten == nil {
		p.forgotten = map[string]struct{}{}
	}
	p.forgotten[user] = struct{}{}
	return true
}

// Forgotten reports whether the partition has forgotten user.
func (pt *Partition) Forgotten(user string) bool {
	_, ok := pt.p.forgotten[user]
	return ok
}

// ForgottenKey is the changelog key of user's forgotten marker: written each time the stage
// acts on a deletion request for them, so a requester following the changelog knows it was done.
func ForgottenKey(user string) string { return forgottenPrefix + user }
