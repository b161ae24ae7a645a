package rekey

import (
	"bytes"
	"encoding/json"
	"math"
	"unsafe"

	"github.com/adshift/adshift/schemas"
)

// head is what the stage reads of an event: who it is about.
type head struct {
	Type        string `json:"type"`
	UserID      id     `json:"userId"`
	AnonymousID id     `json:"anonymousId"`
	PreviousID  id     `json:"previousId"`
}

// id is an identifier written as a JSON string or number, as trackers do.
type id string

// UnmarshalJSON takes a string or a number; anything else is no id.
func (i *id) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*i = id(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*i = id(bytes.TrimSpace(b))
	default:
		*i = ""
	}
	return nil
}

// decodeHead reads the head of one event value; ok is false when it is not a JSON object.
func decodeHead(value []byte) (head, bool) {
	var h head
	if err := json.Unmarshal(value, &h); err != nil {
		return head{}, false
	}
	return h, true
}

// join returns the anonymous id and known user an identify or alias call joins, if any.
func (h head) join() (anon, known string, ok bool) {
	switch h.Type {
	case "identify":
		anon, known = string(h.AnonymousID), string(h.UserID)
	case "alias":
		anon, known = string(h.PreviousID), string(h.UserID)
		if anon == "" {
			anon = string(h.AnonymousID)
		}
	default:
		return "", "", false
	}
	return anon, known, anon != "" && known != "" && anon != known
}

// headReader reads heads with the clickstream's own decoder, which allocates nothing per event;
// encoding/json only reads what that decoder does not: an alias call's previousId, and events it
// rejects (whose ids still route them, for the features stage to dead-letter under their shopper).
type headReader struct {
	ev   schemas.Event
	strs []byte // the strings of the event being read; overwritten by the next
}

// limits bound nothing the features stage would not bound itself: the rekey stage only routes.
var limits = schemas.Limits{MaxBytes: math.MaxInt32}

func (r *headReader) read(value []byte) (head, bool) {
	r.strs = r.strs[:0]
	if err := schemas.DecodeEventInto(&r.ev, value, limits, r.keep); err != nil || r.ev.Type == schemas.TypeAlias {
		return decodeHead(value)
	}
	return head{Type: r.ev.Type, UserID: id(r.ev.UserID), AnonymousID: id(r.ev.AnonymousID)}, true
}

// keep copies a string of the event into the slab; it is valid until the next read.
func (r *headReader) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(r.strs)-len(r.strs) < len(b) {
		r.strs = make([]byte, 0, max(4096, 2*cap(r.strs), len(b)))
	}
	start := len(r.strs)
	r.strs = append(r.strs, b...)
	return unsafe.String(&r.strs[start], len(b))
}
