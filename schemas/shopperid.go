package schemas

import (
	"bytes"
	"encoding/json"
)

// Members of a JSON value that name a shopper, at any depth: "userId" and "anonymousId" of
// Segment events (a batch's too), "user" of ads, shifts and outcome rows, "user_id" of
// identities. They are found by their starts, "user and "anonymousId", with bytes.Index.
var (
	userMember      = []byte(`"user`)
	userSuffixes    = [][]byte{[]byte(`Id"`), []byte(`"`), []byte(`_id"`)}
	anonymousMember = []byte(`"anonymousId"`)
)

// ShopperIDs calls fn with every shopper id a JSON record value names (valid only during the
// call), until fn returns true, and reports whether it did. It reads the value as text, so it
// works on any record adshift keeps — an event, a Segment batch, an ad, an outcome — and on one
// that is not quite JSON; a member name inside a string value can be mistaken for one, which
// only ever names more shoppers, never fewer.
func ShopperIDs(value []byte, fn func(id []byte) bool) bool {
	for i := 0; ; {
		k := bytes.Index(value[i:], userMember)
		if k < 0 {
			break
		}
		i += k + len(userMember)
		for _, suf := range userSuffixes {
			if bytes.HasPrefix(value[i:], suf) {
				if id, ok := memberString(value, i+len(suf)); ok && fn(id) {
					return true
				}
				break
			}
		}
	}
	for i := 0; ; {
		k := bytes.Index(value[i:], anonymousMember)
		if k < 0 {
			return false
		}
		i += k + len(anonymousMember)
		if id, ok := memberString(value, i); ok && fn(id) {
			return true
		}
	}
}

// memberString reads the string value of the member whose name ends at b[i]: ok is false when
// the name is followed by no ':' and string.
func memberString(b []byte, i int) ([]byte, bool) {
	j := skipSpace(b, i)
	if j >= len(b) || b[j] != ':' {
		return nil, false
	}
	j = skipSpace(b, j+1)
	if j >= len(b) || b[j] != '"' {
		return nil, false
	}
	id, _, ok := jsonString(b, j)
	return id, ok
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonString reads the JSON string opening at b[start] and returns it and the index after its
// closing quote; ok is false when it does not close.
func jsonString(b []byte, start int) (s []byte, end int, ok bool) {
	escaped := false
	for i := start + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			var u string
			if !escaped || json.Unmarshal(b[start:i+1], &u) != nil {
				return b[start+1 : i], i + 1, true
			}
			return []byte(u), i + 1, true
		}
	}
	return nil, len(b), false
}
