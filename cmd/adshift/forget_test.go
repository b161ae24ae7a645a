package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/kafka"
	srcparquet "github.com/adshift/adshift/sources/parquet"
)

// deliverUntilSettled runs a simulated delivery system on ads.ready until no new ad has come
// for a while, and returns what it delivered.
func deliverUntilSettled(t *testing.T, a *app, brokers []string) simulation.DeliveryCounts {
	t.Helper()
	p, err := a.producer(t.Context(), brokers, "forget-deliver")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	d := simulation.NewDelivery(simulation.DefaultDeliveryConfig(), p)
	g, err := kafka.NewGroup(a.group(brokers, d.Name()), d, a.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	waitFor(t, "ads to settle and be delivered", 120*time.Second, func() bool {
		n := int64(len(readAll(t, brokers, a.cfg.Topics.Ads.Name)))
		return n > 0 && d.Counts().Ads >= n && time.Since(d.LastAd()) > 2*time.Second
	})
	stop()
	if err := <-done; err != nil {
		t.Fatalf("delivery: %v", err)
	}
	return d.Counts()
}

// clickhouseString runs a query returning one string.
func clickhouseString(t *testing.T, a *app, query string) string {
	t.Helper()
	conn, err := clickhouseConn(a.cfg.ClickHouse.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var s string
	if err := conn.QueryRow(t.Context(), strings.ReplaceAll(query, "$db", a.cfg.ClickHouse.Database)).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}

// shopperRows counts the rows of user in every ClickHouse table that holds a shopper's id.
func shopperRows(t *testing.T, a *app, user string) map[string]uint64 {
	t.Helper()
	q := "'" + strings.ReplaceAll(user, "'", "\\'") + "'"
	return map[string]uint64{
		"ads":           clickhouseCount(t, a, "SELECT count() FROM $db.ads WHERE user = "+q),
		"ad_events":     clickhouseCount(t, a, "SELECT count() FROM $db.ad_events WHERE user = "+q),
		"failed_events": clickhouseCount(t, a, "SELECT count() FROM $db.failed_events WHERE user = "+q+" OR key = "+q),
	}
}

// archivedOf counts the archived records of user, in every file of every kind, and the files.
func archivedOf(t *testing.T, dir, user string) (records, files int) {
	t.Helper()
	named := []byte(`"userId":"` + user + `"`)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, schemas.ArchiveSuffix) {
			return err
		}
		files++
		rows, err := srcparquet.ReadFile(path)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if string(r.Key) == user || bytes.Contains(r.Value, named) || bytes.Contains(r.Value, []byte(`"user":"`+user+`"`)) {
				records++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return records, files
}

// profileState is the compacted profile changelog: the latest value per key, tombstones gone.
func profileState(t *testing.T, a *app, brokers []string) map[string][]byte {
	t.Helper()
	st := map[string][]byte{}
	for _, r := range readAll(t, brokers, a.cfg.Topics.Profiles.Name) {
		if r.Value == nil {
			delete(st, string(r.Key))
		} else {
			st[string(r.Key)] = r.Value
		}
	}
	return st
}

// views are Product Viewed events of user of a smartphone in the catalogue, a minute apart from
// at, with context (null: none).
func views(t *testing.T, user string, at time.Time, n int, context ...string) []*kgo.Record {
	t.Helper()
	ctx := "null"
	if len(context) > 0 {
		ctx = context[0]
	}
	var recs []*kgo.Record
	for i := range n {
		ts := at.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)
		v := fmt.Sprintf(`{"type":"track","event":"Product Viewed","userId":%q,"messageId":"again-%s-%d","timestamp":%q,"context":%s,`+
			`"properties":{"product_id":"1004545","category":"electronics.smartphone","brand":"huawei","price":566.01}}`, user, user, i, ts, ctx)
		recs = append(recs, &kgo.Record{Key: []byte(user), Value: []byte(v)})
	}
	return recs
}

// produce writes records to topic on brokers.
func produce(t *testing.T, brokers []string, topic string, recs []*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// shiftsOf counts the shifts of user on the shifts topic.
func shiftsFor(t *testing.T, a *app, brokers []string, user string) int {
	t.Helper()
	n := 0
	for _, r := range readAll(t, brokers, a.cfg.Topics.Shifts.Name) {
		if string(r.Key) == user {
			n++
		}
	}
	return n
}

// A shopper of real REES46 traffic with ads, impressions and orders is forgotten by `adshift
// forget` while the pipeline runs: afterwards no ClickHouse table, no archive file and no profile
// holds anything of them, a restarted features stage restores no profile, and their new events
// make no shift and no ad while another shopper's do.
func TestForgetRemovesAShopperEverywhere(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	a.cfg.Features.AllowedLateness = 24 * time.Hour
	a.cfg.Outcomes.Lateness = -1

	stop := startRun(t, a, allStages)
	var out bytes.Buffer
	if err := a.replay(t.Context(), "rees46", realRows(t, 3000), mustSpeed(t, "max"), &out, &out); err != nil {
		t.Fatalf("replay: %v", err)
	}
	delivered := deliverUntilSettled(t, a, brokers)
	if delivered.Orders == 0 {
		t.Fatalf("delivery made no orders: %+v", delivered)
	}
	waitFor(t, "conversions in ClickHouse", 60*time.Second, func() bool {
		return clickhouseCount(t, a, "SELECT count() FROM $db.ad_events WHERE kind = 'conversion'") > 0
	})
	waitArchived(t, a, brokers)
	stop() // the archive publishes every file it holds

	user := clickhouseString(t, a, "SELECT user FROM $db.ad_events GROUP BY user ORDER BY countIf(kind = 'conversion') DESC, count() DESC, user LIMIT 1")
	other := clickhouseString(t, a, "SELECT user FROM $db.ad_events WHERE user != '"+user+"' GROUP BY user ORDER BY count() DESC, user LIMIT 1")
	before, otherBefore := shopperRows(t, a, user), shopperRows(t, a, other)
	if before["ads"] == 0 || before["ad_events"] == 0 || otherBefore["ads"] == 0 {
		t.Fatalf("shopper %s has rows %v, %s %v: want ads and events to forget and to keep", user, before, other, otherBefore)
	}
	archived, files := archivedOf(t, a.cfg.Archive.Files.Dir, user)
	if archived == 0 {
		t.Fatalf("the archive (%d files) holds nothing of %s to forget", files, user)
	}
	if _, ok := profileState(t, a, brokers)[user]; !ok {
		t.Fatalf("no profile of %s in the changelog to forget", user)
	}

	a.reg = prometheus.NewRegistry()
	stop = startRun(t, a, allStages)
	out.Reset()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := a.forget(ctx, []string{user}, allPlaces, time.Minute, &out); err != nil {
		t.Fatalf("forget: %v\n%s", err, out.String())
	}
	t.Logf("adshift forget %s:\n%s", user, out.String())
	for _, want := range []string{
		"profiles: " + user + " forgotten",
		fmt.Sprintf("clickhouse: ads: %d rows deleted", before["ads"]),
		fmt.Sprintf("clickhouse: ad_events: %d rows deleted", before["ad_events"]),
		fmt.Sprintf("archive: %s: %d records taken out", a.cfg.Archive.Files.Dir, archived),
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("forget's output lacks %q", want)
		}
	}
	stop()

	for table, n := range shopperRows(t, a, user) {
		if n != 0 {
			t.Errorf("%s still holds %d rows of %s", table, n, user)
		}
	}
	if got := shopperRows(t, a, other); got["ads"] != otherBefore["ads"] || got["ad_events"] != otherBefore["ad_events"] {
		t.Errorf("%s's rows went from %v to %v: forget touched another shopper", other, otherBefore, got)
	}
	if n, files := archivedOf(t, a.cfg.Archive.Files.Dir, user); n != 0 {
		t.Errorf("%d records of %s left in %d archive files", n, user, files)
	}
	if n, _ := archivedOf(t, a.cfg.Archive.Files.Dir, other); n == 0 {
		t.Errorf("the archive lost %s's records too", other)
	}
	st := profileState(t, a, brokers)
	if _, ok := st[user]; ok {
		t.Errorf("the compacted changelog still holds %s's profile", user)
	}
	if _, ok := st[features.ForgottenKey(user)]; !ok {
		t.Errorf("no forgotten marker of %s in the changelog", user)
	}

	// Restarted, the features stage restores the changelog: the forgotten shopper's new events
	// make no profile, no shift and no ad, another new shopper's do.
	shiftsBefore, adsBefore := shiftsFor(t, a, brokers, user), len(readAll(t, brokers, a.cfg.Topics.Ads.Name))
	tp := a.cfg.Topics.Names()
	archivedBefore := endOffsets(t, brokers, tp.Clickstream, tp.Ads, tp.Outcomes)
	a.reg = prometheus.NewRegistry()
	stop = startRun(t, a, allStages)
	later := time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC)
	var oldAd string
	for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name) {
		if string(r.Key) == user {
			ad, err := schemas.DecodeAd(r.Value)
			if err != nil {
				t.Fatal(err)
			}
			oldAd = ad.AdID
		}
	}
	// A delivery system still showing one of their old ads reports the impression.
	impression := &kgo.Record{Key: []byte(user), Value: fmt.Appendf(nil, `{"type":"track","event":"Promotion Viewed","userId":%q,`+
		`"messageId":"late-imp","timestamp":%q,"properties":{"promotion_id":%q}}`, user, later.Format(time.RFC3339), oldAd)}
	recs := append(views(t, user, later, 6), impression)
	produce(t, brokers, a.cfg.Topics.Clickstream.Name, append(recs, views(t, "fresh-shopper", later, 6)...))
	waitFor(t, "the new shopper's shift", 60*time.Second, func() bool { return shiftsFor(t, a, brokers, "fresh-shopper") > 0 })
	waitFor(t, "the archive stage to take in the new records", 60*time.Second, func() bool {
		return recordsProcessed(t, a, "archive") >= float64(endOffsets(t, brokers, tp.Clickstream, tp.Ads, tp.Outcomes)-archivedBefore)
	})
	adm, err := kadm.NewOptClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	waitFor(t, "the outcomes stage to land the new shopper's ad and read everything", 60*time.Second, func() bool {
		lag, err := adm.Lag(t.Context(), "adshift-outcomes")
		l := lag["adshift-outcomes"]
		return err == nil && l.FetchErr == nil && l.DescribeErr == nil && l.Lag.Total() == 0 &&
			clickhouseCount(t, a, "SELECT count() FROM $db.ads WHERE user = 'fresh-shopper'") > 0
	})
	stop()
	if n := shiftsFor(t, a, brokers, user); n != shiftsBefore {
		t.Errorf("the forgotten shopper's new events published %d shifts", n-shiftsBefore)
	}
	for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name)[adsBefore:] {
		if string(r.Key) == user {
			t.Errorf("an ad for the forgotten shopper after the forget: %s", r.Value)
		}
	}
	if _, ok := profileState(t, a, brokers)[user]; ok {
		t.Errorf("the forgotten shopper's new events wrote a profile to the changelog")
	}
	for table, n := range shopperRows(t, a, user) {
		if n != 0 {
			t.Errorf("%s holds %d rows of the forgotten shopper after their new events", table, n)
		}
	}
	if n, files := archivedOf(t, a.cfg.Archive.Files.Dir, user); n != 0 {
		t.Errorf("%d records of the forgotten shopper's new events archived in %d files", n, files)
	}
	if n, _ := archivedOf(t, a.cfg.Archive.Files.Dir, "fresh-shopper"); n == 0 {
		t.Error("the new shopper's events were not archived")
	}
}

// Shoppers browse the same phones: one whose events refuse advertising in their consent
// preferences (Segment's context.consent.categoryPreferences), one who grants it, one who says
// nothing. The refusing shopper gets no profile, no shift and no ad; the others get their ads.
func TestConsentRefusingAdvertisingGetsNoAd(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	stop := startRun(t, a, allStages)
	at := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	refused := `{"consent":{"categoryPreferences":{"Advertising":false,"Analytics":true}}}`
	granted := `{"consent":{"categoryPreferences":{"Advertising":true,"Analytics":false}}}`
	var recs []*kgo.Record
	recs = append(recs, views(t, "refuses", at, 6, refused)...)
	recs = append(recs, views(t, "grants", at, 6, granted)...)
	recs = append(recs, views(t, "silent", at, 6)...)
	produce(t, brokers, a.cfg.Topics.Clickstream.Name, recs)
	adsFor := func() map[string]int {
		n := map[string]int{}
		for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name) {
			n[string(r.Key)]++
		}
		return n
	}
	waitFor(t, "ads for the shoppers who did not refuse", 60*time.Second, func() bool {
		n := adsFor()
		return n["grants"] > 0 && n["silent"] > 0
	})
	stop()
	if n := adsFor()["refuses"]; n != 0 {
		t.Errorf("%d ads for the shopper who refused advertising", n)
	}
	if n := shiftsFor(t, a, brokers, "refuses"); n != 0 {
		t.Errorf("%d shifts for the shopper who refused advertising", n)
	}
	st := profileState(t, a, brokers)
	if _, ok := st["refuses"]; ok {
		t.Error("a profile of the shopper who refused advertising is in the changelog")
	}
	if _, ok := st["grants"]; !ok {
		t.Error("no profile of the shopper who granted advertising")
	}
}

// Forgetting while the pipeline is down removes what it can and says the profile is not
// confirmed; the request waits on the control topic, and the pipeline acts on it when it
// starts again.
func TestForgetWhileThePipelineIsDown(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	stop := startRun(t, a, allStages)
	produce(t, brokers, a.cfg.Topics.Clickstream.Name, views(t, "away", time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC), 6))
	waitFor(t, "a shift for the shopper", 60*time.Second, func() bool { return shiftsFor(t, a, brokers, "away") > 0 })
	stop()

	var out bytes.Buffer
	err := a.forget(t.Context(), []string{"away"}, allPlaces, 2*time.Second, &out)
	if !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("forget with the pipeline down: %v, want ErrNotConfirmed\n%s", err, out.String())
	}
	for _, want := range []string{"profiles: 1 deletion request(s)", "clickhouse: ads:", "archive: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("forget's output lacks %q:\n%s", want, out.String())
		}
	}
	if _, ok := profileState(t, a, brokers)["away"]; !ok {
		t.Fatal("the profile went before the pipeline ran")
	}
	a.reg = prometheus.NewRegistry()
	stop = startRun(t, a, allStages)
	waitFor(t, "the pipeline to act on the waiting request", 60*time.Second, func() bool {
		st := profileState(t, a, brokers)
		_, marked := st[features.ForgottenKey("away")]
		_, kept := st["away"]
		return marked && !kept
	})
	stop()
}
