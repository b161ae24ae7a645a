package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
)

// kafkajsDir holds the stock kafkajs consumer the interop tests drive (scripts/deps.sh runs npm ci
// there).
const kafkajsDir = "../../sources/kafka/testdata/node"

// A Node.js delivery system on a stock kafkajs consumer (no compression plugins) reads what a
// running pipeline writes at the default kafka.compression: the ad written for a shopper on
// ads.ready, and the dead letter of a broken event with its failure header, each with the header
// naming its schema; ads carry the landing page catalog.url_template gives; ads and shifts match
// the JSON Schemas in schemas/jsonschema.
func TestKafkajsReadsAdsAndDeadLetters(t *testing.T) {
	a := testApp(t)
	if a.cfg.Kafka.Compression != "gzip" {
		t.Fatalf("default kafka.compression is %q; the README recommends gzip for mixed clients", a.cfg.Kafka.Compression)
	}
	a.cfg.Catalog.URLTemplate = "https://shop.example/p/{product_id}"
	stop := startRun(t, a, []string{rekey.Name, features.Name, creatives.Name})
	defer stop()
	broker := a.cfg.Kafka.EmbeddedAddr

	var lines []string
	for i, product := range []string{"1004767", "1004833", "1005115"} {
		b, err := json.Marshal(schemas.Event{
			Type: "track", Event: schemas.ProductViewed, UserID: "node-shopper", MessageID: fmt.Sprintf("node-%d", i),
			Timestamp:  time.Date(2019, 10, 1, 0, i, 0, 0, time.UTC),
			Properties: schemas.Properties{ProductID: product, Category: "electronics.smartphone", Brand: "samsung", Price: 200, Currency: "USD"},
		})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "node-shopper:"+string(b))
	}
	lines = append(lines, "node-broken:not json at all")
	kcat(t, strings.Join(lines, "\n")+"\n", "-P", "-b", broker, "-t", a.cfg.Topics.Clickstream.Name, "-K:")

	recs := kafkajs(t, broker, 1, a.cfg.Topics.Ads.Name, a.cfg.Topics.DLQ.Name, a.cfg.Topics.Shifts.Name)
	var sawAd, sawDead bool
	values := map[string][]string{}
	for _, r := range recs {
		values[r.Topic] = append(values[r.Topic], r.Value)
		switch r.Topic {
		case a.cfg.Topics.Ads.Name:
			ad, err := schemas.DecodeAd([]byte(r.Value))
			if err != nil || r.Key != "node-shopper" || ad.User != "node-shopper" || ad.Creative.Headline == "" ||
				r.Headers["adshift.schema"] != "adshift.ad.v1" || ad.Product.URL != "https://shop.example/p/"+ad.Product.ID {
				t.Errorf("ad as kafkajs reads it: key %q, %+v, %v", r.Key, ad, err)
			}
			sawAd = true
		case a.cfg.Topics.DLQ.Name:
			if r.Key != "node-broken" || r.Value != "not json at all" || r.Headers["adshift.failure"] != string(schemas.MalformedJSON) ||
				r.Headers["adshift.schema"] != "adshift.dead_letter.v1" {
				t.Errorf("dead letter as kafkajs reads it: %+v", r)
			}
			sawDead = true
		}
	}
	t.Logf("kafkajs read %d records", len(recs))
	if !sawAd || !sawDead {
		t.Errorf("kafkajs read %d records, ad %v, dead letter %v", len(recs), sawAd, sawDead)
	}

	// The JSON Schemas in the repo describe what was published, and catch what breaks them.
	for topic, schema := range map[string]string{a.cfg.Topics.Ads.Name: "ad.json", a.cfg.Topics.Shifts.Name: "shift.json"} {
		if err := validateJSON(t, schema, values[topic]); err != nil {
			t.Errorf("%s records against schemas/jsonschema/%s: %v", topic, schema, err)
		}
	}
	broken := strings.Replace(values[a.cfg.Topics.Ads.Name][0], `"group":"`, `"group":"x`, 1)
	if err := validateJSON(t, "ad.json", []string{broken}); err == nil || !strings.Contains(err.Error(), "group") {
		t.Errorf("an ad with an unknown strategy.group passed schemas/jsonschema/ad.json: %v", err)
	}
}

// validateJSON validates values against schemas/jsonschema/<schema> with ajv (testdata/node).
func validateJSON(t *testing.T, schema string, values []string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(kafkajsDir, "validate.js"), filepath.Join("../../schemas/jsonschema", schema))
	cmd.Stdin = strings.NewReader(strings.Join(values, "\n") + "\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, out.String())
	}
	return nil
}

type kafkajsRecord struct {
	Topic   string            `json:"topic"`
	Key     string            `json:"key"`
	Value   string            `json:"value"`
	Headers map[string]string `json:"headers"`
}

// kafkajs reads count records from each topic with the stock kafkajs consumer; node and the
// consumer's packages missing fail the test (scripts/deps.sh installs them).
func kafkajs(t *testing.T, broker string, count int, topics ...string) []kafkajsRecord {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: run scripts/deps.sh (Debian: apt-get install nodejs npm)")
	}
	if _, err := os.Stat(filepath.Join(kafkajsDir, "node_modules", "kafkajs")); err != nil {
		t.Fatalf("kafkajs is not installed in %s: run scripts/deps.sh (npm ci there)", kafkajsDir)
	}
	args := []string{filepath.Join(kafkajsDir, "read.js"), "--brokers", broker, "--count", fmt.Sprint(count), "--timeout-ms", "60000"}
	for _, topic := range topics {
		args = append(args, "--topic", topic)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kafkajs reading %v: %v\n%s", topics, err, errOut.String())
	}
	var recs []kafkajsRecord
	for line := range strings.Lines(out.String()) {
		var r kafkajsRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("kafkajs reader printed %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}
