package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/kafka"
)

// ownServer is a ClickHouse server this test starts on free ports with its data under a temporary
// directory, so stopping it disturbs no one else's tests.
type ownServer struct {
	env  []string
	addr string
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startOwnServer(t *testing.T) *ownServer {
	t.Helper()
	port, httpPort := freePort(t), freePort(t)
	s := &ownServer{
		env: append(os.Environ(), "ADSHIFT_CH_PORT="+strconv.Itoa(port), "ADSHIFT_CH_HTTP_PORT="+strconv.Itoa(httpPort),
			"ADSHIFT_CH_DIR="+filepath.Join(t.TempDir(), "clickhouse")),
		addr: "127.0.0.1:" + strconv.Itoa(port),
	}
	s.run(t, "up")
	t.Cleanup(func() { s.run(t, "down") })
	return s
}

func (s *ownServer) run(t *testing.T, cmd string) {
	t.Helper()
	c := exec.Command("../../scripts/clickhouse.sh", cmd)
	c.Env = s.env
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("clickhouse.sh %s: %v\n%s", cmd, err, out)
	}
}

// attempts wraps a stage and records, per partition, the highest offset handed to Process and how
// many Process calls failed: what the consumer fetched into memory and how often it retried.
type attempts struct {
	pipeline.Stage
	mu       sync.Mutex
	highest  map[string]int64
	failures int
}

func (a *attempts) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	p, err := a.Stage.Open(ctx, topic, partition)
	return &attempt{Processor: p, a: a, key: fmt.Sprint(topic, "/", partition)}, err
}

func (a *attempts) snapshot() (handed int64, failures int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, off := range a.highest {
		handed += off + 1
	}
	return handed, a.failures
}

type attempt struct {
	pipeline.Processor
	a   *attempts
	key string
}

func (p *attempt) Process(ctx context.Context, batch []pipeline.Record) error {
	p.a.mu.Lock()
	if n := len(batch); n > 0 && batch[n-1].Offset > p.a.highest[p.key] {
		p.a.highest[p.key] = batch[n-1].Offset
	}
	p.a.mu.Unlock()
	err := p.Processor.Process(ctx, batch)
	if err != nil {
		p.a.mu.Lock()
		p.a.failures++
		p.a.mu.Unlock()
	}
	return err
}

// eventually polls cond every 50ms until it holds or the deadline passes.
func eventually(t *testing.T, what string, deadline time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", deadline, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The outcomes stage runs under a consumer group on an embedded broker, landing rows in a
// ClickHouse server of its own. Mid-stream the server is stopped: Process fails, the group pauses
// fetching for the failing partitions and retries, the Writer holds at most (flushes+1)×batch_rows
// rows, and the consumer does not read the rest of the topic into memory. After the server
// restarts every input lands: the distinct counts equal the input exactly.
func TestClickHouseRestartMidStreamKeepsCountsExact(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv := startOwnServer(t)

	cfg := DefaultConfig()
	cfg.Addr = srv.addr
	cfg.Database = "adshift_restart"
	cfg.BatchRows, cfg.FlushInterval, cfg.MaxRetries, cfg.DialTimeout = 200, 20*time.Millisecond, 1, time.Second
	c, err := Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Migrate(ctx, false, nil); err != nil {
		t.Fatal(err)
	}
	w := newWriter(t, c, cfg, nil)
	defer w.Close(context.Background())

	const partitions = 3
	emb, err := kafka.StartEmbedded(ctx, "127.0.0.1:0", []kafka.TopicSpec{
		{Name: "clickstream", Partitions: partitions}, {Name: "ads.ready", Partitions: partitions}, {Name: "clickstream.dlq", Partitions: partitions},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	stage, err := outcomes.New(outcomes.Config{}, pipeline.DefaultTopics(), w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	watched := &attempts{Stage: stage, highest: map[string]int64{}}
	group, err := kafka.NewGroup(kafka.GroupConfig{
		Brokers: emb.Addrs(), Group: "adshift-outcomes", FetchMaxWait: 50 * time.Millisecond,
		MaxPollRecords: 100, MaxBacklog: 2, RetryBackoff: 50 * time.Millisecond, MaxRetryBackoff: 500 * time.Millisecond,
		AutoCommitInterval: 200 * time.Millisecond, ShutdownTimeout: 10 * time.Second,
	}, watched, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	groupDone := make(chan error, 1)
	go func() { groupDone <- group.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-groupDone; err != nil {
			t.Errorf("group: %v", err)
		}
	}()

	producer, err := kgo.NewClient(kgo.SeedBrokers(emb.Addrs()...), kgo.DefaultProduceTopic("clickstream"))
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	// Every shopper sees an ad and every third clicks it: two or three events per shopper, each with
	// its own message id.
	var events int
	produce := func(from, to int) {
		t.Helper()
		var recs []*kgo.Record
		for u := from; u < to; u++ {
			user, ad := fmt.Sprint("u", u), fmt.Sprint("ad-", u)
			at := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(u) * time.Second)
			add := func(name, msg string, at time.Time) {
				v, _ := json.Marshal(schemas.Event{Type: "track", Event: name, UserID: user, MessageID: msg, Timestamp: at,
					Properties: schemas.Properties{PromotionID: ad, ProductID: "p" + strconv.Itoa(u%50)}})
				recs = append(recs, &kgo.Record{Key: []byte(user), Value: v})
				events++
			}
			add(schemas.PromotionViewed, "view-"+user, at)
			if u%3 == 0 {
				add(schemas.PromotionClicked, "click-"+user, at.Add(time.Second))
			}
		}
		if err := producer.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	landed := func() uint64 {
		n, err := distinctCounts(ctx, c)
		if err != nil {
			return 0
		}
		return n[TableAdEvents]
	}

	produce(0, 3000)
	eventually(t, "the first rows to land", 60*time.Second, func() bool { return landed() > 0 })

	srv.run(t, "down")
	eventually(t, "Process to fail while ClickHouse is down", 60*time.Second, func() bool { _, f := watched.snapshot(); return f > 0 })
	firstHalf := events
	produce(3000, 30000)
	secondHalf := events - firstHalf
	// Let the group retry a few more times against the dead server, then look at what it holds.
	_, failed := watched.snapshot()
	eventually(t, "more failed retries", 60*time.Second, func() bool { _, f := watched.snapshot(); return f >= failed+partitions*3 })
	handed, failures := watched.snapshot()
	w.mu.Lock()
	pending, maxPending := w.pending, w.maxPending
	w.mu.Unlock()
	if pending > maxPending {
		t.Errorf("the Writer holds %d rows during the outage, more than its cap %d", pending, maxPending)
	}
	// Fetching paused: of the second half, at most a few polls per partition were handed over.
	if unread := int64(events) - handed; unread < int64(secondHalf)*8/10 {
		t.Errorf("during the outage the consumer took %d of %d records; want fetching paused with most of the %d produced then unread",
			handed, events, secondHalf)
	}
	t.Logf("outage: %d failed Process calls, %d of %d records handed to processors, Writer pending %d (cap %d)",
		failures, handed, events, pending, maxPending)

	srv.run(t, "up")
	want := uint64(events)
	eventually(t, fmt.Sprintf("all %d events to land after the restart", want), 120*time.Second, func() bool { return landed() >= want })
	counts, err := distinctCounts(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	clicks := uint64(0)
	for u := 0; u < 30000; u += 3 {
		clicks++
	}
	if counts[TableAdEvents] != want || counts[TableAdEvents+"."+schemas.Impression] != 30000 || counts[TableAdEvents+"."+schemas.Click] != clicks {
		t.Errorf("after the restart: %v, want %d events: 30000 impressions and %d clicks", counts, want, clicks)
	}
	var rows uint64
	if err := c.conn.QueryRow(ctx, "SELECT count() FROM "+c.table(TableAdEvents)).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("after the restart: %d distinct events from %d rows stored (duplicates from retried inserts: %d)", counts[TableAdEvents], rows, rows-counts[TableAdEvents])
	if err := c.conn.Exec(ctx, "DROP DATABASE IF EXISTS `"+cfg.Database+"`"); err != nil {
		t.Error(err)
	}
}
