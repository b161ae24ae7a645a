package schemas

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ControlForget is the Type of a deletion request on the control topic (adshift.control).
const ControlForget = "forget"

// HeaderForget marks a record of the keyed clickstream that carries a deletion request: the
// rekey stage forwards a control record keyed by the shopper it names, and the header holds the
// shopper, so the features stage acts on it without decoding the value as an event.
const HeaderForget = "adshift.forget"

// Control is a record of the control topic, keyed by the shopper it is about. A deletion request
// (Type ControlForget) asks adshift to forget the shopper: their profile goes, and no profile or
// ad is made for them again.
type Control struct {
	Type        string    `json:"type"`
	User        string    `json:"user"`
	RequestedAt time.Time `json:"requested_at"`
	RequestID   string    `json:"request_id,omitempty"` // the requester's reference, echoed in logs
}

// EncodeControl encodes a control record's value.
func EncodeControl(c Control) ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return json.Marshal(c)
}

// DecodeControl decodes and checks a control record's value.
func DecodeControl(b []byte) (Control, error) {
	var c Control
	if err := json.Unmarshal(b, &c); err != nil {
		return Control{}, Failf(MalformedJSON, "", "control record: %v", err)
	}
	if err := c.check(); err != nil {
		return Control{}, err
	}
	return c, nil
}

func (c Control) check() error {
	switch {
	case c.Type != ControlForget:
		return Failf(SchemaViolation, "type", "control record type %q: want %q", c.Type, ControlForget)
	case c.User == "":
		return Failf(SchemaViolation, "user", "a deletion request names the shopper")
	case strings.HasPrefix(c.User, "\x00"):
		return Failf(SchemaViolation, "user", "user keys starting with NUL are reserved")
	}
	return nil
}

// String names the request in logs.
func (c Control) String() string {
	return fmt.Sprintf("%s %q", c.Type, c.User)
}
