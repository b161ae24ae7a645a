package franz

import (
	"reflect"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/schemas"
)

func TestHeadersRoundTrip(t *testing.T) {
	f := func(in []schemas.Header) {
		t.Helper()
		out := RecordHeaders(in)
		if len(out) != len(in) {
			t.Fatalf("RecordHeaders(%v) = %v", in, out)
		}
		for i, h := range out {
			if h.Key != in[i].Key || string(h.Value) != string(in[i].Value) {
				t.Fatalf("RecordHeaders(%v)[%d] = %v", in, i, h)
			}
		}
		if back := Headers(out); !reflect.DeepEqual(back, in) {
			t.Fatalf("Headers(RecordHeaders(%v)) = %v", in, back)
		}
	}
	f(nil)
	f([]schemas.Header{{Key: "adshift.failure", Value: []byte("malformed_json")}})
	f([]schemas.Header{{Key: "a", Value: []byte("1")}, {Key: "b"}})
	if Headers([]kgo.RecordHeader{}) != nil {
		t.Fatal("Headers of no headers is not nil")
	}
}
