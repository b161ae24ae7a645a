package schemas

import (
	"slices"
	"testing"
)

// The rewrite kinds are named in bit order, and String's form reads back.
func TestRewritesNames(t *testing.T) {
	kinds := RewriteKinds()
	if len(kinds) != len(rewriteNames) || kinds[0] != RewriteFieldDropped || kinds[len(kinds)-1]<<1 != rewriteEnd {
		t.Fatalf("RewriteKinds() = %v, want every kind from RewriteFieldDropped", kinds)
	}
	var names []string
	for _, k := range kinds {
		names = append(names, k.String())
	}
	if !slices.Equal(names, rewriteNames[:]) {
		t.Errorf("names %q, want %q", names, rewriteNames)
	}
	f := func(r Rewrites, want string) {
		t.Helper()
		if got := r.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", r, got, want)
		}
		if back := ParseRewrites(want); back != r {
			t.Errorf("ParseRewrites(%q) = %d, want %d", want, back, r)
		}
	}
	f(0, "")
	f(RewriteFieldDropped, "field_dropped")
	f(kinds[1]|kinds[6], "price_text,ga4")
	f(rewriteEnd-1, "field_dropped,price_text,epoch_time,message_id,event_name,category_path,ga4")
	if got := ParseRewrites("ga4,nonsense,,field_dropped"); got != kinds[0]|kinds[6] {
		t.Errorf("unknown words were not ignored: %d", got)
	}
	if got := string(kinds[2].AppendText([]byte("x="))); got != "x=epoch_time" {
		t.Errorf("AppendText = %q", got)
	}
	if !(kinds[1] | kinds[2]).Has(kinds[2]) || kinds[1].Has(kinds[1]|kinds[2]) {
		t.Error("Has")
	}
}

// The event at index 12 of a Segment batch is marked so on its headers, after the record's.
func TestEnvelopeHeaders(t *testing.T) {
	hs := EnvelopeHeaders([]Header{{Key: "k", Value: []byte("v")}}, SegmentBatch, 12)
	if len(hs) != 3 || hs[0].Key != "k" || hs[1].Key != HeaderEnvelope || string(hs[1].Value) != string(SegmentBatch) ||
		hs[2].Key != HeaderIndex || string(hs[2].Value) != "12" {
		t.Errorf("EnvelopeHeaders = %v", hs)
	}
}

// Only failures an envelope meets as an event may be one: its type, its user or its size.
func TestMayBeEnvelope(t *testing.T) {
	for kind, want := range map[FailureKind]bool{
		SchemaViolation: true, MissingUser: true, TooLarge: true,
		MalformedJSON: false, InvalidUTF8: false, TimestampOutOfRange: false,
	} {
		if got := MayBeEnvelope(Failf(kind, "", "x")); got != want {
			t.Errorf("MayBeEnvelope(%s) = %v, want %v", kind, got, want)
		}
	}
	if MayBeEnvelope(nil) {
		t.Error("MayBeEnvelope(nil) = true")
	}
	f := func(data string, want bool) {
		t.Helper()
		if got := mayBeEnvelope([]byte(data)); got != want {
			t.Errorf("mayBeEnvelope(%s) = %v, want %v", data, got, want)
		}
	}
	f(`{"batch":[]}`, true)
	f(`{"message":{}}`, true)
	f(`{"type":"track"}`, false)
	f(`{"a":"\n\t","b":"\\"}`, false)
	f(`{"a":"\n","\u0062atch":[]}`, true)
	f(`{"a":"x\\"}`, false)
	f(`{"a":"\\\u"}`, true)
	f(`\`, false)
}

func TestRowsLen(t *testing.T) {
	r := Rows{Ads: make([]Ad, 1), Events: make([]AdEvent, 2), Failures: make([]FailedEvent, 3)}
	if r.Len() != 6 {
		t.Errorf("Len = %d, want 6", r.Len())
	}
}
