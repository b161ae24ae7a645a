package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	chgo "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
	"github.com/adshift/adshift/sources/kafka"
)

const (
	kcatPath   = "/usr/bin/kcat"
	rees46File = "../../../shared/data/rees46/2019-Oct_head17434.csv"
)

// freeAddr returns a loopback address nothing listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// testClickHouseAddr is the server the tests use: ADSHIFT_CLICKHOUSE_ADDR, else 127.0.0.1 on
// ADSHIFT_CH_PORT (the port scripts/clickhouse.sh starts its server on), else 127.0.0.1:9000.
func testClickHouseAddr() string {
	if addr := os.Getenv("ADSHIFT_CLICKHOUSE_ADDR"); addr != "" {
		return addr
	}
	if port := os.Getenv("ADSHIFT_CH_PORT"); port != "" {
		return "127.0.0.1:" + port
	}
	return config.Default().ClickHouse.Addr
}

// testApp returns an app on a fresh ClickHouse database (dropped when the test ends) and free
// ports, logging to the test.
func testApp(t testing.TB) *app {
	t.Helper()
	cfg := config.Default()
	cfg.Kafka.EmbeddedAddr = freeAddr(t)
	cfg.HTTP.Addr = freeAddr(t)
	cfg.Catalog.Path = "../../data/sample/rees46-sample.csv"
	cfg.Shutdown.Timeout = 20 * time.Second
	var b [4]byte
	_, _ = rand.Read(b[:])
	cfg.ClickHouse.Addr = testClickHouseAddr()
	cfg.ClickHouse.Database = "adshift_e2e_" + hex.EncodeToString(b[:])
	cfg.ClickHouse.FlushInterval = 200 * time.Millisecond
	cfg.Archive.Files.Dir = t.TempDir()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := clickhouseExec(context.Background(), cfg.ClickHouse.Addr, "DROP DATABASE IF EXISTS "+cfg.ClickHouse.Database); err != nil {
			t.Logf("drop test database: %v", err)
		}
	})
	return &app{cfg: cfg, log: newLogger(testWriter{t}, config.Log{Level: "warn"}), reg: prometheus.NewRegistry()}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// startRun runs the pipeline in the background until the returned stop is called, and waits until
// /healthz says every stage runs.
func startRun(t testing.TB, a *app, stages []string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, stages) }()
	stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("adshift run: %v", err)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + a.cfg.HTTP.Addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop
			}
		}
		select {
		case err := <-done:
			t.Fatalf("adshift run exited before it was healthy: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatal("adshift run not healthy within 60s")
		}
	}
}

// kcat runs Debian's kcat and returns its output. Keys are hashed with murmur2, as Java clients
// and franz-go do, so kcat puts a user on the partition adshift expects.
func kcat(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	if _, err := os.Stat(kcatPath); err != nil {
		t.Fatalf("kcat is required for the interop tests and is missing at %s: install Debian's kcat (make deps)", kcatPath)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kcatPath, append(args, "-X", "topic.partitioner=murmur2_random")...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

func clickhouseConn(addr string) (chgo.Conn, error) {
	return chgo.Open(&chgo.Options{Addr: []string{addr}})
}

func clickhouseExec(ctx context.Context, addr, query string) error {
	conn, err := clickhouseConn(addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Exec(ctx, query)
}

// clickhouseCount runs a query returning one number.
func clickhouseCount(t testing.TB, a *app, query string) uint64 {
	t.Helper()
	conn, err := clickhouseConn(a.cfg.ClickHouse.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n uint64
	q := strings.ReplaceAll(query, "$db", a.cfg.ClickHouse.Database)
	if err := conn.QueryRow(t.Context(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v (is ClickHouse up? make clickhouse-up)", q, err)
	}
	return n
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// badInputs are the clickstream records a tracker could get wrong, by the failure kind each must
// land under. Keys are users, as trackers key them.
func badInputs() map[schemas.FailureKind]string {
	huge := `{"type":"track","event":"Product Viewed","userId":"bad-4","messageId":"bad-4","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"1","name":"` +
		strings.Repeat("x", 70<<10) + `"}}`
	return map[schemas.FailureKind]string{
		schemas.MalformedJSON:       `bad-1:{"type":"track","event":"Product Viewed"`,
		schemas.MissingUser:         `bad-2:{"type":"track","event":"Product Viewed","messageId":"bad-2","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"1"}}`,
		schemas.SchemaViolation:     `bad-3:{"type":"track","event":"Product Viewed","userId":"bad-3","messageId":"bad-3","timestamp":"2019-10-01T00:00:00Z","properties":"shoes"}`,
		schemas.TooLarge:            "bad-4:" + huge,
		schemas.TimestampOutOfRange: `bad-5:{"type":"track","event":"Product Viewed","userId":"bad-5","messageId":"bad-5","timestamp":"1970-01-01T00:00:00Z","properties":{"product_id":"1"}}`,
	}
}

// realRows writes the header and the first n rows of the REES46 sample to a temporary file.
func realRows(t *testing.T, n int) string {
	t.Helper()
	f, err := os.Open(rees46File)
	if err != nil {
		t.Fatalf("real data: %v", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	sc := bufio.NewScanner(f)
	for i := 0; i <= n && sc.Scan(); i++ {
		buf.Write(sc.Bytes())
		buf.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "rees46.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAll returns every record of topic on brokers, read from the start.
func readAll(t testing.TB, brokers []string, topic string) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(t.Context(), topic)
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	ends.Each(func(o kadm.ListedOffset) { want += o.Offset })
	var out []*kgo.Record
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for int64(len(out)) < want {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %s: got %d of %d records", topic, len(out), want)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	return out
}

// onEmbeddedBroker points a at a fresh embedded broker holding a's topics, closed when the test
// ends, and returns the broker's addresses.
func onEmbeddedBroker(t testing.TB, a *app) []string {
	t.Helper()
	broker, err := kafka.StartEmbedded(t.Context(), "127.0.0.1:0", topicSpecs(a.cfg.Topics), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Close)
	a.cfg.Kafka.Brokers, a.cfg.Kafka.CreateTopics = broker.Addrs(), false
	return broker.Addrs()
}

// The whole flow on real rows: replay into Kafka, features, creatives, a delivery system showing
// the ads, outcomes into ClickHouse. Counts in ClickHouse equal what went in exactly; bad input
// lands in the DLQ and in failed_events with its reason; a forced redelivery of everything the
// outcomes stage read adds no row.
func TestEndToEndOnRealRows(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	// The simulated delivery writes orders in the event time of the ads, which the max-speed
	// replay has left hours behind by then (though not for the shopper, whose profile takes the
	// order: the DLQ holds the bad inputs alone). As nothing follows the delivery, orders need not
	// wait for late touches (the delivery writes its own in order): each is attributed on arrival.
	a.cfg.Outcomes.Lateness = -1

	stop := startRun(t, a, allStages)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()

	// Real rows in, and the bad inputs, sent by a real non-Go client.
	var out bytes.Buffer
	if err := a.replay(t.Context(), "rees46", realRows(t, 3000), mustSpeed(t, "max"), &out, io.Discard); err != nil {
		t.Fatalf("replay: %v", err)
	}
	if !strings.Contains(out.String(), "replayed 3000 events") || !strings.Contains(out.String(), "bad rows: none") {
		t.Fatalf("replay summary: %s", out.String())
	}
	bad := badInputs()
	kcat(t, strings.Join(slicesOf(bad), "\n")+"\n", "-P", "-b", brokers[0], "-t", a.cfg.Topics.Clickstream.Name, "-K:")

	// A delivery system shows the ads and writes views, clicks and orders back.
	p, err := a.producer(t.Context(), brokers, "e2e-deliver")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	d := simulation.NewDelivery(simulation.DefaultDeliveryConfig(), p)
	g, err := kafka.NewGroup(a.group(brokers, d.Name()), d, a.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	dctx, dstop := context.WithCancel(context.Background())
	ddone := make(chan error, 1)
	go func() { ddone <- g.Run(dctx) }()

	// Ads stop arriving once every shift is served; ads.ready then holds every ad published.
	var ads map[string]schemas.Ad
	waitFor(t, "ads on ads.ready to settle and be delivered", 120*time.Second, func() bool {
		before := len(ads)
		ads = map[string]schemas.Ad{}
		for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name) {
			ad, err := schemas.DecodeAd(r.Value)
			if err != nil {
				t.Fatalf("ads.ready holds a record that is no ad: %v", err)
			}
			if string(r.Key) != ad.User {
				t.Fatalf("ad %s keyed %q, want its user %q", ad.AdID, r.Key, ad.User)
			}
			ads[ad.AdID] = ad
		}
		return len(ads) > 0 && len(ads) == before && d.Counts().Ads >= int64(len(ads)) && time.Since(d.LastAd()) > 2*time.Second
	})
	dstop()
	if err := <-ddone; err != nil {
		t.Fatalf("delivery: %v", err)
	}
	delivered := d.Counts()
	if delivered.Impressions == 0 || delivered.Clicks == 0 || delivered.Orders == 0 {
		t.Fatalf("delivery produced too little to check: %+v", delivered)
	}
	shifts := readAll(t, brokers, a.cfg.Topics.Shifts.Name)
	if len(ads) > len(shifts) {
		t.Fatalf("%d ads from %d shifts: at most one ad per shift", len(ads), len(shifts))
	}

	want := map[string]uint64{
		"ads":        uint64(len(ads)),
		"impression": uint64(delivered.Impressions),
		"click":      uint64(delivered.Clicks),
		"conversion": uint64(delivered.Orders),
		"failed":     uint64(len(bad)),
	}
	counts := func() map[string]uint64 {
		return map[string]uint64{
			"ads":        clickhouseCount(t, a, "SELECT uniqExact(ad_id) FROM $db.ads"),
			"impression": clickhouseCount(t, a, "SELECT uniqExact(event_id) FROM $db.ad_events WHERE kind = 'impression'"),
			"click":      clickhouseCount(t, a, "SELECT uniqExact(event_id) FROM $db.ad_events WHERE kind = 'click'"),
			"conversion": clickhouseCount(t, a, "SELECT uniqExact(event_id) FROM $db.ad_events WHERE kind = 'conversion'"),
			"failed":     clickhouseCount(t, a, "SELECT uniqExact(failure_id) FROM $db.failed_events"),
		}
	}
	waitFor(t, "outcomes to land in ClickHouse", 60*time.Second, func() bool { return maps.Equal(counts(), want) })

	// Every failure kind is there, once, and the DLQ holds the original bytes with its headers.
	for kind := range bad {
		if n := clickhouseCount(t, a, "SELECT uniqExact(failure_id) FROM $db.failed_events WHERE kind = '"+string(kind)+"'"); n != 1 {
			t.Errorf("failed_events of kind %s: %d, want 1", kind, n)
		}
	}
	dlq := readAll(t, brokers, a.cfg.Topics.DLQ.Name)
	if len(dlq) != len(bad) {
		t.Fatalf("DLQ holds %d records, want %d", len(dlq), len(bad))
	}
	for _, r := range dlq {
		kind := schemas.FailureKind(header(r, "adshift.failure"))
		line, ok := bad[kind]
		if !ok {
			t.Errorf("DLQ record with failure %q, key %q", kind, r.Key)
			continue
		}
		if wantValue := line[strings.IndexByte(line, ':')+1:]; string(r.Value) != wantValue {
			t.Errorf("DLQ %s: value is not the original bytes", kind)
		}
		if header(r, "adshift.stage") != "features" || header(r, "adshift.topic") != a.cfg.Topics.Clickstream.Name {
			t.Errorf("DLQ %s: headers %v", kind, r.Headers)
		}
	}

	// The archive stage keeps every clickstream record and every ad, once, as they are on the
	// topics, and commits all of it when it stops.
	waitArchived(t, a, brokers)

	// Forced redelivery: the outcomes group forgets its offsets and reads everything again.
	stop()
	stopped = true
	checkArchive(t, a, brokers, schemas.ArchiveClickstream, a.cfg.Topics.Clickstream.Name)
	checkArchive(t, a, brokers, schemas.ArchiveAds, a.cfg.Topics.Ads.Name)
	adm, err := kadm.NewOptClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	if _, err := adm.DeleteGroup(t.Context(), "adshift-outcomes"); err != nil {
		t.Fatalf("delete outcomes group: %v", err)
	}
	a.reg = prometheus.NewRegistry()
	stop = startRun(t, a, []string{"outcomes"})
	stopped = false
	waitFor(t, "the outcomes group to read every input again", 60*time.Second, func() bool {
		lag, err := adm.Lag(t.Context(), "adshift-outcomes")
		if err != nil {
			return false
		}
		l := lag["adshift-outcomes"]
		return l.FetchErr == nil && l.DescribeErr == nil && len(l.Lag) == 3 && l.Lag.Total() == 0
	})
	stop()
	stopped = true
	if got := counts(); !maps.Equal(got, want) {
		t.Fatalf("after redelivery: counts %v, want %v", got, want)
	}
	for _, q := range []string{
		"SELECT count() FROM $db.ads FINAL",
		"SELECT count() FROM $db.ad_events FINAL",
		"SELECT count() FROM $db.failed_events FINAL",
	} {
		var wantRows uint64
		switch {
		case strings.Contains(q, ".ads "):
			wantRows = want["ads"]
		case strings.Contains(q, "ad_events"):
			wantRows = want["impression"] + want["click"] + want["conversion"]
		default:
			wantRows = want["failed"]
		}
		if got := clickhouseCount(t, a, q); got != wantRows {
			t.Errorf("%s = %d after redelivery, want %d: duplicate rows", q, got, wantRows)
		}
	}
	t.Logf("ads %d (from %d shifts), impressions %d, clicks %d, conversions %d, failed %d",
		want["ads"], len(shifts), want["impression"], want["click"], want["conversion"], want["failed"])
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func slicesOf(m map[schemas.FailureKind]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func mustSpeed(t testing.TB, s string) dataset.Speed {
	t.Helper()
	sp, err := dataset.ParseSpeed(s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// A running pipeline on its embedded broker, driven only by kcat: kcat lists adshift's topics,
// writes a shopper's events and a broken one, and reads back the ad written for that shopper and
// the dead letter.
func TestKcatDrivesRunningPipeline(t *testing.T) {
	a := testApp(t)
	stop := startRun(t, a, allStages)
	defer stop()
	broker := a.cfg.Kafka.EmbeddedAddr

	meta := kcat(t, "", "-L", "-b", broker)
	for _, topic := range topicSpecs(a.cfg.Topics) {
		if !strings.Contains(meta, fmt.Sprintf("topic %q with %d partitions", topic.Name, topic.Partitions)) {
			t.Errorf("kcat -L does not show topic %s with %d partitions:\n%s", topic.Name, topic.Partitions, meta)
		}
	}

	// A shopper views three products of a category the sample catalogue holds.
	var lines []string
	for i, product := range []string{"1004767", "1004833", "1005115"} {
		ev := schemas.Event{
			Type: "track", Event: schemas.ProductViewed, UserID: "kcat-shopper", MessageID: fmt.Sprintf("kcat-%d", i),
			Timestamp:  time.Date(2019, 10, 1, 0, i, 0, 0, time.UTC),
			Properties: schemas.Properties{ProductID: product, Category: "electronics.smartphone", Brand: "samsung", Price: 200, Currency: "USD"},
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "kcat-shopper:"+string(b))
	}
	lines = append(lines, "kcat-broken:not json at all")
	kcat(t, strings.Join(lines, "\n")+"\n", "-P", "-b", broker, "-t", a.cfg.Topics.Clickstream.Name, "-K:")

	ad := kcat(t, "", "-C", "-b", broker, "-t", a.cfg.Topics.Ads.Name, "-o", "beginning", "-c", "1", "-f", "%k\t%s\n")
	key, value, _ := strings.Cut(strings.TrimSpace(ad), "\t")
	got, err := schemas.DecodeAd([]byte(value))
	if err != nil {
		t.Fatalf("kcat read no ad from %s: %v\n%s", a.cfg.Topics.Ads.Name, err, ad)
	}
	if key != "kcat-shopper" || got.User != "kcat-shopper" || !strings.HasPrefix(got.Product.Category, "electronics.smartphone") {
		t.Errorf("ad for the wrong shopper or interest: key %q, %+v", key, got)
	}

	dead := kcat(t, "", "-C", "-b", broker, "-t", a.cfg.Topics.DLQ.Name, "-o", "beginning", "-c", "1", "-f", "%k\t%s\t%h\n")
	parts := strings.SplitN(strings.TrimSpace(dead), "\t", 3)
	if len(parts) != 3 || parts[0] != "kcat-broken" || parts[1] != "not json at all" || !strings.Contains(parts[2], "adshift.failure=malformed_json") {
		t.Errorf("dead letter as kcat reads it: %q", dead)
	}
	waitFor(t, "the dead letter in failed_events", 30*time.Second, func() bool {
		return clickhouseCount(t, a, "SELECT uniqExact(failure_id) FROM $db.failed_events WHERE kind = 'malformed_json'") == 1
	})
}
