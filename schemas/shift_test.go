package schemas

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestDecodeShift(t *testing.T) {
	valid := Shift{
		User: "u1", ProfileVersion: 3, EventTime: time.Date(2019, 10, 1, 0, 20, 5, 0, time.UTC),
		Reason: ReasonNewInterest, Distance: 0.42,
		Summary: Summary{
			Categories:  []Weighted{{Name: "electronics.audio.headphone", Weight: 0.7}},
			Brands:      []Weighted{{Name: "sony", Weight: 0.5}},
			PriceBand:   PriceBand{Min: 49, Max: 129, Currency: "USD"},
			IntentStage: "consider", Locale: "en-US", Purchased: []string{"p9"},
		},
	}
	enc, err := json.Marshal(valid)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeShift(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, valid) {
		t.Errorf("got %+v, want %+v", got, valid)
	}

	with := func(field, value string) string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(enc, &m); err != nil {
			t.Fatal(err)
		}
		if value == "" {
			delete(m, field)
		} else {
			m[field] = json.RawMessage(value)
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name, payload string
		kind          FailureKind
		field         string
	}{
		{"not json", `user=u1`, MalformedJSON, ""},
		{"truncated", string(enc[:40]), MalformedJSON, ""},
		{"trailing garbage", string(enc) + `x`, MalformedJSON, ""},
		{"array", `[` + string(enc) + `]`, MalformedJSON, ""},
		{"no user", with("user", ""), SchemaViolation, "user"},
		{"no event time", with("event_time", ""), SchemaViolation, "event_time"},
		{"bad event time", with("event_time", `"tomorrow"`), SchemaViolation, ""},
		{"unknown reason", with("reason", `"boredom"`), SchemaViolation, "reason"},
		{"negative distance", with("distance", `-0.1`), SchemaViolation, "distance"},
		{"version is a string", with("profile_version", `"3"`), SchemaViolation, "profile_version"},
		{"weight is a string", with("summary", `{"categories":[{"name":"x","weight":"heavy"}]}`), SchemaViolation, "summary.categories.weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeShift([]byte(tt.payload))
			f, ok := AsFailure(err)
			if !ok || f.Kind != tt.kind || f.Field != tt.field {
				t.Errorf("got %v, want %s on %q", err, tt.kind, tt.field)
			}
		})
	}
}
