package rekey

import (
	"bytes"
	"encoding/json"
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
