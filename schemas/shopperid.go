package schemas

import (
	"encoding/json"
	"regexp"
)

// shopperMember matches a member of a JSON value that names a shopper, at any depth: "userId"
// and "anonymousId" of Segment events (a batch's too), "user" of ads, shifts and outcome
// rows, "user_id" of identities.
var shopperMember = regexp.MustCompile(`"(?:userId|anonymousId|user|user_id)"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// ShopperIDs calls fn with every shopper id a JSON record value names, until fn returns true,
// and reports whether it did. It reads the value as text, so it works on any record adshift
// keeps — an event, a Segment batch, an ad, an outcome — and on one that is not quite JSON.
func ShopperIDs(value []byte, fn func(id string) bool) bool {
	for _, m := range shopperMember.FindAllSubmatchIndex(value, -1) {
		raw := value[m[2]:m[3]]
		id := string(raw)
		for _, c := range raw {
			if c == '\\' { // escaped: read as JSON reads it
				var s string
				if json.Unmarshal(value[m[2]-1:m[3]+1], &s) == nil {
					id = s
				}
				break
			}
		}
		if fn(id) {
			return true
		}
	}
	return false
}
