package schemas

import (
	"encoding/json"
	"errors"
)

// decodeRecord decodes an inter-stage record: adshift writes them, so encoding/json's pace is
// enough, and its errors map onto failure kinds.
func decodeRecord(data []byte, v any) *Failure {
	if d := (decoder{data: data}); d.peek() != '{' {
		return Failf(MalformedJSON, "", "payload is not a JSON object")
	}
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return Failf(MalformedJSON, "", "%v", err)
	case errors.As(err, &typ):
		return Failf(SchemaViolation, typ.Field, "must be %v, got %s", typ.Type, typ.Value)
	}
	return Failf(SchemaViolation, "", "%v", err)
}
