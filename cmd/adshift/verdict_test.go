package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
)

// One event, one verdict per stage. Real REES46 rows at full speed, the bad inputs and a
// simulated delivery, with the default lateness: the delivery answers in the ads' event time,
// which the replay has left behind for the partitions, but not for the shoppers the ads were
// for, so the features stage takes their orders into their profiles. Every stage either processes an input or dead-letters it, never both,
// and its figures add up: what it processed plus what it dead-lettered is what it read. An input
// one stage rejects as bad no stage counts; an input it finds late is its verdict alone, judged
// against what it keeps (features: the partition's watermark), and the outcomes stage, judging
// against its attribution window, may still count it. The report gives the dead letters by the
// stage that wrote them, equal to that stage's own count.
func TestOneVerdictPerEventPerStage(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	stop := startRun(t, a, []string{rekey.Name, features.Name, creatives.Name, outcomes.Name})
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	var out bytes.Buffer
	if err := a.replay(t.Context(), "rees46", realRows(t, 3000), mustSpeed(t, "max"), &out, &out); err != nil {
		t.Fatalf("replay: %v\n%s", err, out.String())
	}
	produceBad(t, brokers, a.cfg.Topics.Clickstream.Name)
	d := startDelivery(t, a)
	waitFor(t, "the ads to be delivered", 120*time.Second, func() bool {
		ads := endOffsets(t, brokers, a.cfg.Topics.Ads.Name)
		return ads > 0 && d.Counts().Ads >= ads && time.Since(d.LastAd()) > 3*time.Second &&
			recordsProcessed(t, a, features.Name) >= float64(endOffsets(t, brokers, a.cfg.Topics.Keyed.Name))
	})
	topics := []string{a.cfg.Topics.Ads.Name, a.cfg.Topics.Clickstream.Name, a.cfg.Topics.DLQ.Name}
	waitFor(t, "the outcomes stage to read every input", 60*time.Second, func() bool {
		return recordsProcessed(t, a, outcomes.Name) >= float64(endOffsets(t, brokers, topics...))
	})
	stop() // the orders still waiting out the lateness are attributed and written
	stopped = true

	// What each clickstream record is, by its place (the dead letters name the original's), and
	// the key its row would carry: a promotion's message id, an order's order id (else msg:<its
	// message id>).
	type event struct{ key, name string }
	clickstream := map[string]event{}
	for _, r := range readAll(t, brokers, a.cfg.Topics.Clickstream.Name) {
		e, err := schemas.DecodeEvent(r.Value, schemas.Limits{})
		ev := event{}
		switch {
		case err != nil:
		case e.Event == schemas.OrderCompleted && e.Properties.OrderID != "":
			ev = event{e.Properties.OrderID, e.Event}
		case e.Event == schemas.OrderCompleted:
			ev = event{"msg:" + e.MessageID, e.Event}
		default:
			ev = event{e.MessageID, e.Event}
		}
		clickstream[fmt.Sprint(r.Topic, "/", r.Partition, "/", r.Offset)] = ev
	}
	// What the outcomes stage counted, by that key.
	counted := map[string]string{}
	for kind, ids := range landedIDs(t, a) {
		if kind == "impression" || kind == "click" || kind == "conversion" {
			for _, id := range ids {
				counted[id[strings.IndexByte(id, ':')+1:]] = kind
			}
		}
	}
	byStage := map[string]map[schemas.FailureKind]int{}
	lateCounted := map[string]int{}
	for _, r := range readAll(t, brokers, a.cfg.Topics.DLQ.Name) {
		dl := schemas.ReadDeadLetter(func(key string) []byte { return []byte(header(r, key)) })
		if byStage[dl.Stage] == nil {
			byStage[dl.Stage] = map[schemas.FailureKind]int{}
		}
		byStage[dl.Stage][dl.Kind]++
		ev, ok := clickstream[fmt.Sprint(dl.Topic, "/", dl.Partition, "/", dl.Offset)]
		if !ok || ev.key == "" {
			continue
		}
		if dl.Kind == schemas.LateEvent && strings.HasPrefix(ev.key, "demo-") {
			t.Errorf("the delivery's order %s, placed in its shopper's own time, dead-lettered as late by %s: %s", ev.key, dl.Stage, dl.Detail)
		}
		kind, isCounted := counted[ev.key]
		switch {
		case isCounted && dl.Stage == outcomes.Name:
			t.Errorf("%s %s: dead-lettered (%s) and counted as %s by the outcomes stage", ev.name, ev.key, dl.Kind, kind)
		case isCounted && dl.Kind != schemas.LateEvent:
			t.Errorf("%s %s: rejected as bad input (%s) by %s, yet counted as %s", ev.name, ev.key, dl.Kind, dl.Stage, kind)
		case isCounted:
			lateCounted[ev.name]++
		}
	}
	t.Logf("dead letters by stage: %v; late for the profiles yet counted by outcomes: %v", byStage, lateCounted)

	m, err := gather(a.reg)
	if err != nil {
		t.Fatal(err)
	}
	deadLetters := func(stage string) int {
		n := 0
		for _, k := range byStage[stage] {
			n += k
		}
		return n
	}
	// features: every record read is decoded or dead-lettered undecoded; every event decoded is
	// applied, skipped (no interest, a repeat) or dead-lettered (late); nothing is both.
	read := recordsProcessed(t, a, features.Name)
	decoded := m.sum("adshift_features_events_total")
	dead := float64(deadLetters(features.Name))
	late := float64(byStage[features.Name][schemas.LateEvent])
	if sum := m.sum("adshift_features_failures_total"); sum != dead {
		t.Errorf("features: counted %.0f dead letters, wrote %.0f", sum, dead)
	}
	if processed := decoded - late; processed+dead != read {
		t.Errorf("features: %.0f processed + %.0f dead-lettered = %.0f, read %.0f", processed, dead, processed+dead, read)
	}
	// creatives: every shift gets one result, dead_lettered among them.
	shifts := m.by("adshift_creatives_shifts_total", "result")
	if total(shifts) != recordsProcessed(t, a, creatives.Name) || shifts["dead_lettered"] != float64(deadLetters(creatives.Name)) {
		t.Errorf("creatives: results %v for %.0f shifts read, %d dead-lettered", shifts, recordsProcessed(t, a, creatives.Name), deadLetters(creatives.Name))
	}
	// outcomes: every record read gets one result (clicks without credit are clicks too); it
	// dead-letters nothing and lands every dead letter of the others.
	results := m.by("adshift_outcomes_records_total", "result")
	once := total(results) - results["click_without_impression"] - results["click_without_product"]
	if once != recordsProcessed(t, a, outcomes.Name) {
		t.Errorf("outcomes: results %v add up to %.0f, read %.0f", results, once, recordsProcessed(t, a, outcomes.Name))
	}
	if n := deadLetters(outcomes.Name); n != 0 {
		t.Errorf("outcomes dead-lettered %d records", n)
	}

	r, err := a.report(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for stage, kinds := range byStage {
		for kind, n := range kinds {
			if got := r.Failures[stage][string(kind)]; got != uint64(n) {
				t.Errorf("report: %s %s %d, the DLQ holds %d", stage, kind, got, n)
			}
		}
	}
	if r.Failures.Total() != uint64(deadLetters(features.Name)+deadLetters(creatives.Name)+deadLetters(rekey.Name)) {
		t.Errorf("report: %d failed events, the DLQ holds %v", r.Failures.Total(), byStage)
	}
	t.Logf("features read %.0f: %.0f processed, %.0f dead-lettered (%.0f late); outcomes read %.0f: %v",
		read, decoded-late, dead, late, recordsProcessed(t, a, outcomes.Name), results)
}

// produceBad writes the bad inputs to topic, keyed as trackers key them.
func produceBad(t *testing.T, brokers []string, topic string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic), kgo.ProducerBatchMaxBytes(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for _, line := range badInputs() {
		key, value, _ := strings.Cut(line, ":")
		recs = append(recs, &kgo.Record{Key: []byte(key), Value: []byte(value)})
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}
