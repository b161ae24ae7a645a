package pipelinetest

import (
	"errors"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

func TestEmitterFailsOnDemandAndKeepsCopies(t *testing.T) {
	e := &Emitter{Fail: 1}
	value := []byte("v1")
	recs := []pipeline.Record{{Topic: "t", Value: value}}
	if err := e.Emit(t.Context(), recs); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("first call: %v, want ErrUnavailable", err)
	}
	if err := e.Emit(t.Context(), recs); err != nil {
		t.Fatal(err)
	}
	e.Err = errors.New("down")
	if err := e.Emit(t.Context(), recs); !errors.Is(err, e.Err) {
		t.Fatalf("with Err set: %v", err)
	}
	value[1] = '2' // the caller reuses its bytes
	if len(e.Calls) != 3 || len(e.Acked) != 1 || string(e.Records()[0].Value) != "v1" {
		t.Errorf("%d calls, %d acknowledged, records %v; want 3, 1, v1", len(e.Calls), len(e.Acked), e.Records())
	}
}

func TestRowWriterFailsOnDemand(t *testing.T) {
	w := &RowWriter{Fail: 1}
	rows := schemas.Rows{Ads: []schemas.Ad{{AdID: "a1"}}}
	if err := w.Write(t.Context(), rows); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("first call: %v, want ErrUnavailable", err)
	}
	if err := w.Write(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	if w.Calls != 2 || len(w.Writes) != 1 || w.Writes[0].Ads[0].AdID != "a1" {
		t.Errorf("%d calls, writes %+v; want 2 calls, one write of a1", w.Calls, w.Writes)
	}
}
