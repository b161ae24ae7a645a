package outcomes

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// refusing marks the record's event as refusing advertising in its consent preferences.
func refusing(r pipeline.Record) pipeline.Record {
	r.Value = bytes.Replace(r.Value, []byte(`"type":"track"`),
		[]byte(`"context":{"consent":{"categoryPreferences":{"Advertising":false}}},"type":"track"`), 1)
	return r
}

// A shopper whose events refuse advertising lands no impression, click or conversion, and the
// refusals are counted; another shopper's outcomes land as ever.
func TestStageLandsNothingOfEventsRefusingAdvertising(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	s, p := newTestStage(t, w)
	batch := []pipeline.Record{
		refusing(viewed(1, "no", "m1", "ad-1", t0)),
		refusing(clicked(2, "no", "m2", "ad-1", t0.Add(time.Minute))),
		refusing(ordered(3, "no", "m3", "o-1", 10, t0.Add(time.Hour), "ad-1")),
		viewed(4, "yes", "m4", "ad-2", t0),
		ordered(5, "yes", "m5", "o-2", 20, t0.Add(time.Hour), "ad-2"),
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events(t, p, w) {
		got = append(got, e.User+" "+e.Kind)
	}
	if want := []string{"yes impression", "yes conversion"}; !slices.Equal(got, want) {
		t.Fatalf("rows %s, want %s", strings.Join(got, ", "), strings.Join(want, ", "))
	}
	if n := count(s, resultConsentRefused); n != 3 {
		t.Fatalf("consent_refused = %v, want 3", n)
	}
}

// A shopper forgotten on a deletion request lands no ad, impression, conversion or dead letter;
// another shopper's land as ever.
func TestStageLandsNothingOfForgottenShoppers(t *testing.T) {
	f := pipeline.NewForgotten()
	f.Add("gone")
	w := &pipelinetest.RowWriter{}
	s, err := New(Config{}, pipeline.DefaultTopics(), w, nil, prometheus.NewRegistry(), WithForgotten(f))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "clickstream", 1)
	if err != nil {
		t.Fatal(err)
	}
	adOf := func(offset int64, user, id string) pipeline.Record {
		v, err := json.Marshal(schemas.Ad{AdID: id, User: user, ProfileVersion: 1, Product: schemas.Product{ID: "p-" + id, Price: 9.5, Currency: "USD"},
			Creative: schemas.Creative{Headline: "h", Body: "b", CTA: "c", Locale: "en"},
			Strategy: schemas.Strategy{Arm: "value", Group: schemas.GroupTreatment, Propensity: 0.2}, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return pipeline.Record{Topic: "ads.ready", Offset: offset, Key: []byte(user), Value: v}
	}
	bad := pipeline.Record{Topic: "clickstream", Partition: 1, Offset: 9, Key: []byte("gone"), Value: []byte(`{"userId":"gone"`)}
	dl := pipeline.DeadLetter("clickstream.dlq", "features", bad, schemas.Failf(schemas.MalformedJSON, "", "eof"))
	dl.Offset = 5
	batch := []pipeline.Record{
		adOf(1, "gone", "ad-1"), adOf(2, "kept", "ad-2"),
		viewed(3, "gone", "m3", "ad-1", t0), viewed(4, "kept", "m4", "ad-2", t0),
		dl,
		ordered(6, "gone", "m6", "o-1", 10, t0.Add(time.Hour), "ad-1"),
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, rows := range w.Writes {
		for _, a := range rows.Ads {
			users = append(users, "ad "+a.User)
		}
		for _, e := range rows.Events {
			users = append(users, e.Kind+" "+e.User)
		}
		for _, fe := range rows.Failures {
			users = append(users, "failure "+fe.User)
		}
	}
	if want := []string{"ad kept", "impression kept"}; !slices.Equal(users, want) {
		t.Fatalf("rows %v, want %v", users, want)
	}
	if n := count(s, resultForgotten); n != 4 {
		t.Fatalf("forgotten = %v, want 4", n)
	}
}

// An order held for the lateness when its shopper is forgotten is credited to no ad when it is
// released: no conversion row lands after the deletion request.
func TestHeldOrderOfAShopperForgottenMeanwhileLandsNothing(t *testing.T) {
	f := pipeline.NewForgotten()
	w := &pipelinetest.RowWriter{}
	s, err := New(Config{}, pipeline.DefaultTopics(), w, nil, prometheus.NewRegistry(), WithForgotten(f))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "clickstream", 1)
	if err != nil {
		t.Fatal(err)
	}
	v, err := json.Marshal(schemas.Ad{AdID: "ad-1", User: "gone", ProfileVersion: 1, Product: schemas.Product{ID: "p-ad-1", Price: 9.5, Currency: "USD"},
		Creative: schemas.Creative{Headline: "h", Body: "b", CTA: "c", Locale: "en"},
		Strategy: schemas.Strategy{Arm: "value", Group: schemas.GroupTreatment, Propensity: 0.2}, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	batch := []pipeline.Record{
		{Topic: "ads.ready", Offset: 1, Key: []byte("gone"), Value: v},
		viewed(2, "gone", "m2", "ad-1", t0),
		ordered(3, "gone", "m3", "o-1", 10, t0.Add(time.Hour), "ad-1"),
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	f.Add("gone")
	if err := p.Close(context.Background()); err != nil { // releases every held order
		t.Fatal(err)
	}
	for _, rows := range w.Writes {
		for _, e := range rows.Events {
			if e.Kind == schemas.Conversion {
				t.Fatalf("a conversion of the forgotten shopper landed: %+v", e)
			}
		}
	}
	if n := count(s, resultForgotten); n != 1 {
		t.Fatalf("forgotten = %v, want 1 (the held order)", n)
	}
}
