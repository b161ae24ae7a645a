package creative

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/adshift/adshift/schemas"
)

// decodeShift decodes and validates one adshift.shifts record. A rejection is a
// *schemas.Failure: malformed_json when the bytes are not a JSON object, schema_violation when a
// field the stage relies on is missing.
func decodeShift(data []byte) (schemas.Shift, error) {
	var s schemas.Shift
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		return s, schemas.Failf(schemas.MalformedJSON, "", "a shift is a JSON object")
	}
	if err := json.Unmarshal(data, &s); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return s, schemas.Failf(schemas.MalformedJSON, "", "%v", err)
		}
		return s, schemas.Failf(schemas.SchemaViolation, "", "%v", err)
	}
	switch {
	case s.User == "":
		return s, schemas.Failf(schemas.SchemaViolation, "user", "is empty")
	case s.EventTime.IsZero():
		return s, schemas.Failf(schemas.SchemaViolation, "event_time", "is missing")
	}
	return s, nil
}
