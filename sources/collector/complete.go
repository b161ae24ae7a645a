package collector

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/adshift/adshift/schemas"
)

// fill is what the collector adds to the events of one request.
type fill struct {
	callType     string    // the path's call type; "" for a batch's events
	receivedAt   time.Time // when the request arrived
	batchContext []byte    // a batch's own context, under each event's; nil when none
}

// volatile members change between a tracker's retries of one event, so the content hash that
// stands in for a missing messageId leaves them out; writeKey is a credential and is dropped.
func volatile(name string) bool {
	switch name {
	case "writeKey", "sentAt", "receivedAt", "messageId", "_metadata":
		return true
	}
	return false
}

// complete returns the event raw with what the tracking API fills in when it is missing: type
// (from the path), messageId (a hash of the event's content, stable across retries), receivedAt,
// and timestamp (receivedAt, when neither timestamp nor originalTimestamp is set); a batch's
// context is merged under the event's own, and writeKey is dropped. The event's own members keep
// their bytes and order.
func complete(raw []byte, f fill) ([]byte, *schemas.Failure) {
	ms, err := objectMembers(raw)
	if err != nil {
		return nil, schemas.Failf(schemas.MalformedJSON, "", "%v", err)
	}
	has, fail := present(ms, f.callType)
	if fail != nil {
		return nil, fail
	}
	out := make([]byte, 0, len(raw)+len(f.batchContext)+160)
	out = append(out, '{')
	for _, m := range ms {
		switch string(m.key) {
		case "writeKey":
			continue
		case "messageId":
			if !has.msgID {
				continue // empty or null: replaced by the content id below
			}
		case "context":
			if f.batchContext != nil {
				if isObject(m.value) {
					out = appendMember(out, []byte(`"context":`), mergeObjects(m.value, f.batchContext))
				} // else (null or not an object) the batch's context stands in, below
				continue
			}
		}
		out = appendMember(out, m.whole)
	}
	at := []byte(`"` + f.receivedAt.UTC().Format(time.RFC3339Nano) + `"`)
	if !has.typ && f.callType != "" {
		out = appendMember(out, []byte(`"type":"`+f.callType+`"`))
	}
	if (!has.ctx || !has.ctxObject) && f.batchContext != nil {
		out = appendMember(out, []byte(`"context":`), f.batchContext)
	}
	if !has.msgID {
		out = appendMember(out, []byte(`"messageId":"`+contentID(ms, f, has.ts)+`"`))
	}
	if !has.received {
		out = appendMember(out, []byte(`"receivedAt":`), at)
	}
	if !has.ts {
		out = appendMember(out, []byte(`"timestamp":`), at)
	}
	return append(out, '}'), nil
}

// members says which of the members complete may fill in an event has.
type members struct{ typ, msgID, received, ts, ctx, ctxObject bool }

// present reads which members ms has, and refuses a type other than the path's.
func present(ms []member, callType string) (members, *schemas.Failure) {
	var has members
	for _, m := range ms {
		switch string(m.key) {
		case "type":
			has.typ = true
			if t, _ := m.str(); callType != "" && t != callType {
				return has, schemas.Failf(schemas.SchemaViolation, "type", "%q posted to the %s endpoint", t, callType)
			}
		case "messageId":
			id, _ := m.str()
			has.msgID = string(m.value) != "null" && id != ""
		case "receivedAt":
			has.received = true
		case "timestamp", "originalTimestamp":
			has.ts = has.ts || string(m.value) != "null"
		case "context":
			has.ctx, has.ctxObject = true, isObject(m.value)
		}
	}
	return has, nil
}

// contentID is the messageId of an event sent without one: a hash of its call type and members,
// the volatile ones left out, so a tracker's retry of the event gets the same id. An event with
// no timestamp either is told apart by when it was received: two identical calls minutes apart
// are two events.
func contentID(ms []member, f fill, hasTime bool) string {
	h := sha256.New()
	h.Write([]byte(f.callType))
	if !hasTime {
		h.Write([]byte(f.receivedAt.UTC().Format(time.RFC3339Nano)))
	}
	for _, m := range ms {
		if !volatile(string(m.key)) {
			h.Write([]byte{0})
			h.Write(m.whole)
		}
	}
	return "adshift-" + hex.EncodeToString(h.Sum(nil)[:16])
}

// appendMember appends the concatenation of parts as one member of the object being built in
// out, after a comma unless it is the first.
func appendMember(out []byte, parts ...[]byte) []byte {
	if out[len(out)-1] != '{' {
		out = append(out, ',')
	}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// mergeObjects returns the object own with the members of under it lacks. When either is not an
// object, own is returned as it is, for the decoder to judge.
func mergeObjects(own, under []byte) []byte {
	mine, err := objectMembers(own)
	if err != nil {
		return own
	}
	theirs, err := objectMembers(under)
	if err != nil {
		return own
	}
	names := make(map[string]bool, len(mine))
	out := make([]byte, 0, len(own)+len(under))
	out = append(out, '{')
	for _, m := range mine {
		names[string(m.key)] = true
		out = appendMember(out, m.whole)
	}
	for _, m := range theirs {
		if !names[string(m.key)] {
			out = appendMember(out, m.whole)
		}
	}
	return append(out, '}')
}

// isObject reports whether a JSON value is an object.
func isObject(v []byte) bool {
	for _, c := range v {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c == '{'
	}
	return false
}
