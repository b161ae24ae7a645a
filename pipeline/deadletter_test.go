package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// A dead letter keeps the original key, bytes and headers, and reads back into the row that
// names its failure and where the input came from.
func TestDeadLetterRoundTrip(t *testing.T) {
	at := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	in := Record{Topic: "clickstream", Partition: 4, Offset: 1234, Key: []byte("u1"), Value: []byte(`{"broken`),
		Headers: []schemas.Header{{Key: "trace", Value: []byte("abc")}}, Timestamp: at}
	dl := DeadLetter("clickstream.dlq", "features", in, schemas.Failf(schemas.MalformedJSON, "", "unexpected end of JSON input"))

	if dl.Topic != "clickstream.dlq" || string(dl.Key) != "u1" || string(dl.Value) != `{"broken` || !dl.Timestamp.Equal(at) {
		t.Fatalf("dead letter %+v", dl)
	}
	if string(dl.Header("trace")) != "abc" {
		t.Error("the input's own headers are lost")
	}
	// The input's headers come first, as they were, then the failure's: nothing else.
	if len(dl.Headers) != 1+schemas.DeadLetterHeaders || dl.Headers[0].Key != "trace" {
		t.Errorf("dead letter headers %q, want the input's trace and %d more", dl.Headers, schemas.DeadLetterHeaders)
	}
	for _, h := range dl.Headers {
		if h.Key == "" {
			t.Errorf("a header without a name among %q", dl.Headers)
		}
	}
	f := func(key, want string) {
		t.Helper()
		if got := string(dl.Header(key)); got != want {
			t.Errorf("header %s = %q, want %q", key, got, want)
		}
	}
	f(schemas.HeaderFailure, "malformed_json")
	f(schemas.HeaderStage, "features")
	f(schemas.HeaderTopic, "clickstream")
	f(schemas.HeaderPartition, "4")
	f(schemas.HeaderOffset, "1234")

	row := FailedEvent(dl, 4)
	want := schemas.FailedEvent{FailureID: "clickstream/4/1234", User: "u1", Key: "u1", Kind: schemas.MalformedJSON, Detail: "malformed_json: unexpected end of JSON input",
		Stage: "features", Topic: "clickstream", Partition: 4, Offset: 1234, Payload: `{"br`, FailedAt: at}
	if row != want {
		t.Errorf("row\n%+v\nwant\n%+v", row, want)
	}
	if !strings.HasPrefix(`{"broken`, row.Payload) {
		t.Error("payload is not a prefix of the original bytes")
	}
}
