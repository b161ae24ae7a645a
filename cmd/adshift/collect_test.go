package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/sources/collector"
	"github.com/adshift/adshift/sources/dataset"
)

// The collector stage of run takes a tracker's batch over HTTP and the features stage of the
// same process reads every event of it from the clickstream.
func TestRunWithTheCollectorStage(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	a.cfg.Collector.Addr = freeAddr(t)
	a.cfg.Collector.WriteKeys = []string{"wk_run"}
	stop := startRun(t, a, []string{collectorStage, rekey.Name, "features"})
	defer stop()

	events, _, err := dataset.ReadAll(dataset.FormatREES46, realRows(t, 50))
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{"batch": events})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+a.cfg.Collector.Addr+"/v1/batch", bytes.NewReader(body))
	req.SetBasicAuth("wk_run", "")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST /v1/batch of %d real events = %d, want 200", len(events), res.StatusCode)
	}
	if n := endOffsets(t, brokers, a.cfg.Topics.Clickstream.Name); n != int64(len(events)) {
		t.Fatalf("clickstream holds %d records once the collector answered, want %d", n, len(events))
	}
	waitFor(t, "the features stage to read the collected events", 30*time.Second, func() bool {
		return recordsProcessed(t, a, "features") == float64(len(events))
	})
}

func TestCollectNeedsAWriteKey(t *testing.T) {
	a := testApp(t)
	onEmbeddedBroker(t, a)
	a.cfg.Collector.Addr = freeAddr(t)
	err := a.collect(t.Context())
	if err == nil || !strings.Contains(err.Error(), collector.ErrNoWriteKeys.Error()) || !strings.Contains(err.Error(), "ADSHIFT_COLLECTOR_WRITE_KEYS") {
		t.Fatalf("collect without write keys: %v, want the missing key named", err)
	}
}
