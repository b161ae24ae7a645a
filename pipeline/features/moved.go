package features

import (
	"slices"
	"strings"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// movedPrefix starts the changelog key of a moved marker: the anonymous id after it was joined
// to the known user the value names. User keys starting with NUL are reserved, so none collides.
const movedPrefix = "\x00adshift.features.moved\x00"

// headerForwarded marks a record the features stage forwarded from a moved anonymous id to its
// known user's partition; it is not forwarded again, so two ids joined both ways cannot send a
// record round in circles.
const headerForwarded = "adshift.forwarded"

// moved is where an anonymous id's events go once it was joined to a known user: the user, and
// the partition's latest event time when it was learned, which expires it with the profiles.
type moved struct {
	user string
	at   int64
}

// move records that anon now is known, here and in the changelog, so that events of anon that
// reach this partition after the join (the rekey stage learned it late: another instance, or
// another partition's identify raced them) are forwarded to the known user's profile.
func (p *processor) move(anon, known string) {
	if p.moved == nil {
		p.moved = map[string]moved{}
	}
	p.moved[anon] = moved{user: known, at: p.wm.max}
	p.changes = append(p.changes, p.changelog([]byte(movedPrefix+anon), []byte(known)))
}

// forwarded queues in again on the keyed topic, keyed by the known user its anonymous key was
// joined to, and reports whether it did: not for a record forwarded once already.
func (p *processor) forwarded(in *pipeline.Record) bool {
	if len(p.moved) == 0 || in.Header(headerForwarded) != nil {
		return false
	}
	to, ok := p.moved[string(in.Key)]
	if !ok {
		return false
	}
	hs := append(slices.Clip(in.Headers), schemas.Header{Key: headerForwarded, Value: in.Key})
	p.pending = append(p.pending, pipeline.Record{Topic: p.stage.topics.Keyed, Key: []byte(to.user), Value: in.Value,
		Headers: hs, Timestamp: in.Timestamp})
	p.stage.metrics.forwarded.Inc()
	return true
}

// restoreMoved reads a moved marker of the changelog back; ok is false for other keys.
func (p *processor) restoreMoved(key, value []byte) (ok bool) {
	anon, ok := strings.CutPrefix(string(key), movedPrefix)
	if !ok {
		return false
	}
	if value == nil {
		delete(p.moved, anon)
		return true
	}
	if p.moved == nil {
		p.moved = map[string]moved{}
	}
	p.moved[anon] = moved{user: string(value)}
	return true
}

// expireMoved drops the markers learned before cutoff, tombstoning them in the changelog; a
// marker restored from the changelog counts as learned at the restored watermark.
func (p *processor) expireMoved(cutoff int64) {
	var gone []string
	for anon, m := range p.moved {
		if m.at == 0 {
			m.at = p.wm.max
			p.moved[anon] = m
		}
		if m.at < cutoff {
			gone = append(gone, anon)
		}
	}
	slices.Sort(gone)
	for _, anon := range gone {
		delete(p.moved, anon)
		p.changes = append(p.changes, p.changelog([]byte(movedPrefix+anon), nil))
	}
}
