package schemas

// IdentityHead is who one Segment call is about: its type and the ids it names, as written.
type IdentityHead struct {
	Type        string
	UserID      string
	AnonymousID string
	PreviousID  string // an alias call's previous id
}

// DecodeIdentityHead reads the top-level type, userId, anonymousId and previousId of one call
// with the clickstream's scanner, skipping every other value unread (but checked as JSON), for
// a stage that routes calls without judging them. Ids written as integers read as their text; a
// value of another type reads as absent. keep makes the strings kept (nil: copies). ok is false
// when data is not one JSON object.
func DecodeIdentityHead(data []byte, keep func([]byte) string) (h IdentityHead, ok bool) {
	d := decoder{data: data, keep: keep}
	if d.peek() != '{' {
		return IdentityHead{}, false
	}
	var c check // wrong types only drop the field here
	d.object(func(key []byte) {
		switch string(key) {
		case "type":
			h.Type = d.text(&c, "type")
		case "userId":
			h.UserID = d.id(&c, "userId")
		case "anonymousId":
			h.AnonymousID = d.id(&c, "anonymousId")
		case "previousId":
			h.PreviousID = d.id(&c, "previousId")
		default:
			d.skip()
		}
	})
	if d.skipSpace(); d.err != nil || d.pos != len(d.data) {
		return IdentityHead{}, false
	}
	return h, true
}
