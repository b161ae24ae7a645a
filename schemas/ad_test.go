package schemas

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeAd(t *testing.T) {
	created := time.Date(2019, 10, 1, 0, 20, 6, 0, time.UTC)
	valid := Ad{
		AdID: "ad-3f9a1c0d2e", User: "u1", ProfileVersion: 3,
		Product:   Product{ID: "1005115", Title: "Apple iPhone XR 64GB", Brand: "apple", Category: "electronics.smartphone", Price: 949.0, Currency: "USD"},
		Creative:  Creative{Headline: "Your next iPhone XR", Body: "64 GB, in stock.", CTA: "Shop now", Locale: "en-US"},
		Strategy:  Strategy{Segment: "electronics", Arm: "value", Policy: "thompson", Propensity: 0.25, Experiment: "exp1", Group: GroupTreatment},
		Generator: GeneratorInfo{Kind: GeneratorTemplate, PromptVersion: "v1"},
		Reason:    ReasonNewInterest, CreatedAt: created, ExpiresAt: created.Add(24 * time.Hour),
	}
	enc, err := json.Marshal(valid)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeAd(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, valid) {
		t.Errorf("got %+v, want %+v", got, valid)
	}

	edit := func(change func(a *Ad)) string {
		a := valid
		change(&a)
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name, payload string
		kind          FailureKind
		field         string
	}{
		{"not json", `<ad/>`, MalformedJSON, ""},
		{"trailing garbage", string(enc) + `,`, MalformedJSON, ""},
		{"null", `null`, MalformedJSON, ""},
		{"no ad_id", edit(func(a *Ad) { a.AdID = "" }), SchemaViolation, "ad_id"},
		{"no user", edit(func(a *Ad) { a.User = "" }), SchemaViolation, "user"},
		{"no product id", edit(func(a *Ad) { a.Product.ID = "" }), SchemaViolation, "product.id"},
		{"negative price", edit(func(a *Ad) { a.Product.Price = -1 }), SchemaViolation, "product.price"},
		{"no group", edit(func(a *Ad) { a.Strategy.Group = "" }), SchemaViolation, "strategy.group"},
		{"no created_at", edit(func(a *Ad) { a.CreatedAt = time.Time{} }), SchemaViolation, "created_at"},
		{"price is a string", strings.Replace(string(enc), `"price":949`, `"price":"949"`, 1), SchemaViolation, "product.price"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeAd([]byte(tt.payload))
			f, ok := AsFailure(err)
			if !ok || f.Kind != tt.kind || f.Field != tt.field {
				t.Errorf("got %v, want %s on %q", err, tt.kind, tt.field)
			}
		})
	}
}
