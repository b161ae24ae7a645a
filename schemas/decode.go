package schemas

import (
	"encoding/json"
	"time"
)

// Limits bound what DecodeEvent accepts.
type Limits struct {
	MaxBytes int       // larger payloads fail as TooLarge; 0 means 64 KiB
	MinTime  time.Time // earlier timestamps fail as TimestampOutOfRange; zero means 2000-01-01
	MaxTime  time.Time // later timestamps fail as TimestampOutOfRange; zero means no upper bound
}

// DecodeEvent decodes, validates and normalises one Segment e-commerce event. Every rejection is
// a *Failure.
//
// TODO(schemas): first version; replaced by the full decoder.
func DecodeEvent(data []byte, lim Limits) (Event, error) {
	var e Event
	if err := json.Unmarshal(data, &e); err != nil {
		return Event{}, Failf(MalformedJSON, "", "%v", err)
	}
	if e.User() == "" {
		return Event{}, Failf(MissingUser, "userId", "neither userId nor anonymousId is set")
	}
	return e, nil
}
