package schemas

import (
	"encoding/json"
	"unicode/utf8"
)

// Identity joins an anonymous id to a known user: what an identify call (userId and
// anonymousId) or an alias call (previousId and userId) says. It is the value of a record of the
// compacted topic adshift.identities, keyed by the anonymous id, so the latest join of an id wins.
type Identity struct {
	Anonymous string `json:"anonymous_id"`
	User      string `json:"user_id"`
}

// AppendIdentity appends the JSON of id to b.
func AppendIdentity(b []byte, id Identity) []byte {
	b = append(b, `{"anonymous_id":`...)
	b = appendJSONString(b, id.Anonymous)
	b = append(b, `,"user_id":`...)
	b = appendJSONString(b, id.User)
	return append(b, '}')
}

// DecodeIdentity decodes one adshift.identities value; both ids are required, and differ.
func DecodeIdentity(data []byte) (Identity, error) {
	if !utf8.Valid(data) {
		return Identity{}, Failf(InvalidUTF8, "", "identity is not valid UTF-8")
	}
	var id Identity
	if err := json.Unmarshal(data, &id); err != nil {
		return Identity{}, Failf(MalformedJSON, "", "identity: %v", err)
	}
	switch {
	case id.Anonymous == "":
		return Identity{}, Failf(SchemaViolation, "anonymous_id", "missing")
	case id.User == "":
		return Identity{}, Failf(SchemaViolation, "user_id", "missing")
	case id.Anonymous == id.User:
		return Identity{}, Failf(SchemaViolation, "user_id", "same as anonymous_id")
	}
	return id, nil
}
