package schemas

import (
	"errors"
	"math"
	"strconv"
	"testing"
	"time"
)

// header is one header of a dead letter as a test collects it.
type header struct {
	key   string
	value []byte
}

// headersOf returns the headers d writes and a lookup of the first with a key.
func headersOf(d DeadLetter) ([]header, func(string) []byte) {
	var hs []header
	d.EachHeader(func(key string, value []byte) { hs = append(hs, header{key, value}) })
	return hs, func(key string) []byte {
		for _, h := range hs {
			if h.key == key {
				return h.value
			}
		}
		return nil
	}
}

// A dead letter writes its headers under the names every stage and the outcomes reader share,
// and reads back into its failed_events row.
func TestDeadLetterHeaders(t *testing.T) {
	d := NewDeadLetter("features", "clickstream", 4, 1234, Failf(MalformedJSON, "", "unexpected end of JSON input"))
	hs, get := headersOf(d)
	if len(hs) != DeadLetterHeaders {
		t.Fatalf("%d headers, want %d", len(hs), DeadLetterHeaders)
	}
	f := func(key, want string) {
		t.Helper()
		if got := string(get(key)); got != want {
			t.Errorf("header %s = %q, want %q", key, got, want)
		}
	}
	f("adshift.failure", "malformed_json")
	f("adshift.detail", "malformed_json: unexpected end of JSON input")
	f("adshift.stage", "features")
	f("adshift.topic", "clickstream")
	f("adshift.partition", "4")
	f("adshift.offset", "1234")
	if got := ReadDeadLetter(get); got != d {
		t.Errorf("read back %+v, want %+v", got, d)
	}
	row := d.FailedEvent([]byte(`{"broken`), time.Time{}, 4)
	want := FailedEvent{FailureID: "clickstream/4/1234", Kind: MalformedJSON, Detail: "malformed_json: unexpected end of JSON input",
		Stage: "features", Topic: "clickstream", Partition: 4, Offset: 1234, Payload: `{"br`, FailedAt: time.Unix(0, 0).UTC()}
	if row != want {
		t.Errorf("row\n%+v\nwant\n%+v", row, want)
	}
}

// Any dead letter reads back as written, and its row keeps a bounded prefix of the payload.
func FuzzDeadLetter(f *testing.F) {
	f.Add(string(MalformedJSON), "malformed_json: unexpected end of JSON input", "features", "clickstream",
		int32(4), int64(1234), readTestdata(f, "order_completed.json"), uint16(64), int64(1569888000000))
	f.Add("", "", "", "", int32(-1), int64(-1<<63), []byte(nil), uint16(0), int64(0))
	f.Fuzz(func(t *testing.T, kind, detail, stage, topic string, partition int32, offset int64, payload []byte, max uint16, ms int64) {
		d := DeadLetter{Kind: FailureKind(kind), Detail: detail, Stage: stage, Topic: topic, Partition: partition, Offset: offset}
		_, get := headersOf(d)
		if got := ReadDeadLetter(get); got != d {
			t.Fatalf("read back %+v, want %+v", got, d)
		}
		at := time.UnixMilli(ms)
		row := d.FailedEvent(payload, at, int(max))
		if n := min(len(payload), int(max)); row.Payload != string(payload[:n]) {
			t.Fatalf("payload %q of %q, max %d", row.Payload, payload, max)
		}
		id := topic + "/" + strconv.Itoa(int(partition)) + "/" + strconv.FormatInt(offset, 10)
		if row.FailureID != id || row.Kind != d.Kind || row.Detail != detail || row.Stage != stage ||
			row.Partition != partition || row.Offset != offset || !row.FailedAt.Equal(at) && ms != 0 {
			t.Fatalf("row %+v of %+v", row, d)
		}
	})
}

// Headers of any text read without panicking: a partition or offset that is not a decimal in
// range reads as 0 or the nearest value in range.
func FuzzReadDeadLetter(f *testing.F) {
	f.Add([]byte("4"), []byte("1234"))
	f.Add([]byte("99999999999"), []byte("-x"))
	f.Fuzz(func(t *testing.T, partition, offset []byte) {
		d := ReadDeadLetter(func(key string) []byte {
			switch key {
			case HeaderPartition:
				return partition
			case HeaderOffset:
				return offset
			}
			return nil
		})
		f := func(text []byte, bits int, got, lo, hi int64) {
			t.Helper()
			want, err := strconv.ParseInt(string(text), 10, bits)
			switch {
			case errors.Is(err, strconv.ErrRange):
				if got != lo && got != hi {
					t.Fatalf("%q out of range read as %d", text, got)
				}
			case err != nil:
				if got != 0 {
					t.Fatalf("%q read as %d, want 0", text, got)
				}
			case got != want:
				t.Fatalf("%q read as %d", text, got)
			}
		}
		f(partition, 32, int64(d.Partition), math.MinInt32, math.MaxInt32)
		f(offset, 64, d.Offset, math.MinInt64, math.MaxInt64)
	})
}

func TestInputUser(t *testing.T) {
	f := func(key, payload, want string) {
		t.Helper()
		if got := InputUser([]byte(key), []byte(payload)); got != want {
			t.Errorf("InputUser(%q, %q) = %q, want %q", key, payload, got, want)
		}
	}
	f("k", `{"userId":"u1","anonymousId":"a1"}`, "u1")
	f("k", `{"userId":"","anonymousId":"a1"}`, "a1")
	f("k", `{"userId":42}`, "42")
	f("k", `{"event":"Order Completed"}`, "k")
	f("k", `{"broken`, "k")
	f("", `[1,2]`, "")
}
