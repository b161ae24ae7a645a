package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/adshift/adshift/schemas"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testAddr is the local server scripts/clickhouse.sh starts.
func testAddr() string {
	if port := os.Getenv("ADSHIFT_CH_PORT"); port != "" {
		return "127.0.0.1:" + port
	}
	return "127.0.0.1:9000"
}

// testConfig points at the local server and a fresh, randomly named database.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Addr = testAddr()
	cfg.Database = fmt.Sprintf("adshift_test_%d", rand.Uint64())
	return cfg
}

// newWriter starts a Writer on c, stopped by the test's own Close or deferred Close.
func newWriter(t testing.TB, c *Client, cfg Config, reg prometheus.Registerer) *Writer {
	t.Helper()
	w, err := NewWriter(c, cfg, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// openTest opens cfg's database, failing (never skipping) when no server answers, and drops the
// database when the test ends.
func openTest(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := Open(t.Context(), cfg, nil)
	if errors.Is(err, ErrUnreachable) {
		t.Fatalf("ClickHouse is not reachable at %s: run `make clickhouse-up` first: %v", cfg.Addr, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.conn.Exec(ctx, "DROP DATABASE IF EXISTS `"+c.database+"`"+c.onCluster()); err != nil {
			t.Errorf("drop test database: %v", err)
		}
		c.Close()
	})
	return c
}

// migratedTest is openTest with every migration applied.
func migratedTest(t testing.TB, cfg Config) *Client {
	t.Helper()
	c := openTest(t, cfg)
	if _, err := c.Migrate(t.Context(), false, nil); err != nil {
		t.Fatal(err)
	}
	return c
}

var epoch = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func testAd(id, arm, kind, group string) schemas.Ad {
	return schemas.Ad{
		AdID: id, User: "u-" + id, ProfileVersion: 3,
		Product:   schemas.Product{ID: "p1", Title: "Studio headphones", Brand: "Sonar", Category: "electronics.audio", Price: 129.9, Currency: "USD"},
		Creative:  schemas.Creative{Headline: "Hear every detail", Body: "Closed-back studio sound.", CTA: "Shop now", Locale: "en"},
		Strategy:  schemas.Strategy{Segment: "audio", Arm: arm, Policy: "thompson", Propensity: 0.25, Experiment: "exp1", Group: group},
		Generator: schemas.GeneratorInfo{Kind: kind, Model: "m", PromptVersion: "v1", Tokens: 120, LatencyMS: 850},
		Reason:    "new_interest", CreatedAt: epoch, ExpiresAt: epoch.Add(24 * time.Hour),
	}
}

func testEvent(id, kind, adID string, revenue float64) schemas.AdEvent {
	return schemas.AdEvent{EventID: id, Kind: kind, AdID: adID, User: "u-" + adID, Revenue: revenue,
		Currency: "USD", EventTime: epoch.Add(time.Minute)}
}

func testFailure(id string, kind schemas.FailureKind) schemas.FailedEvent {
	return schemas.FailedEvent{FailureID: id, User: "u-" + id, Key: "k-" + id, Kind: kind, Detail: "bad", Stage: "features", Topic: "clickstream",
		Partition: 2, Offset: 7, Payload: "{", FailedAt: epoch}
}
