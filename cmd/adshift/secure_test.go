package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/kafka/franz"
	"github.com/adshift/adshift/sources/kafka/kafkatest"
)

// The pipeline runs on a cluster that demands TLS with client certificates and SCRAM, as a
// managed Kafka does, configured only through kafka.tls and kafka.sasl: it creates its topics,
// restores, consumes and publishes an ad that a client with the same credentials reads.
func TestRunOnASecureCluster(t *testing.T) {
	const broker = "broker.adshift.test"
	pki := kafkatest.NewPKI(t, broker)
	addrs := kafkatest.StartSecureBroker(t, pki)
	a := testApp(t)
	a.cfg.Kafka.Brokers = addrs
	a.cfg.Kafka.TLS = franz.TLS{Enabled: true, CAFile: pki.CAFile, CertFile: pki.ClientCert, KeyFile: pki.ClientKey, ServerName: broker}
	a.cfg.Kafka.SASL = franz.SASL{Mechanism: franz.MechanismSCRAM256, Username: kafkatest.User, Password: kafkatest.Password}
	if err := a.cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var err error
	if a.kafka, err = franz.NewConnection(a.cfg.Kafka.Security, a.log); err != nil {
		t.Fatal(err)
	}
	stop := startRun(t, a, []string{rekey.Name, features.Name, creatives.Name})
	defer stop()

	var recs []pipeline.Record
	for i, product := range []string{"1004767", "1004833", "1005115"} {
		ev := schemas.Event{
			Type: "track", Event: schemas.ProductViewed, UserID: "secure-shopper", MessageID: fmt.Sprintf("s-%d", i),
			Timestamp:  time.Date(2019, 10, 1, 0, i, 0, 0, time.UTC),
			Properties: schemas.Properties{ProductID: product, Category: "electronics.smartphone", Brand: "samsung", Price: 200, Currency: "USD"},
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, pipeline.Record{Topic: a.cfg.Topics.Clickstream.Name, Key: []byte(ev.UserID), Value: b, Timestamp: ev.Timestamp})
	}
	out, err := a.producer(t.Context(), addrs, "secure-test")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close(t.Context())
	if err := out.Emit(t.Context(), recs); err != nil {
		t.Fatal(err)
	}

	cl, err := kgo.NewClient(append(a.kafka.Opts(), kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(a.cfg.Topics.Ads.Name),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var ad *kgo.Record
	for ad == nil && ctx.Err() == nil {
		cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) { ad = r })
	}
	if ad == nil {
		t.Fatal("no ad on the secure cluster within 60s")
	}
	if got, err := schemas.DecodeAd(ad.Value); err != nil || got.User != "secure-shopper" {
		t.Errorf("ad read back: %+v, %v", got, err)
	}
	code, body := get(t, "http://"+a.cfg.HTTP.Addr+"/readyz")
	if code != http.StatusOK || !strings.Contains(body, "ok kafka") {
		t.Errorf("/readyz on the secure cluster: %d %q", code, body)
	}
}
