package collector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

const nodeDir = "testdata/node"

// call is one SDK method call for send.js.
type call struct {
	Method  string         `json:"method"`
	Message map[string]any `json:"message"`
}

// sampleCalls returns calls built from the first n events of the repository's REES46 sample:
// an anonymous page view and an identify for the first shopper, then a track call per event.
func sampleCalls(t *testing.T, n int) []call {
	t.Helper()
	r, err := dataset.Open(dataset.FormatREES46, "../../data/sample/rees46-sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var calls []call
	for len(calls) < n {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *dataset.RowError
		if errors.As(err, &re) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		if len(calls) == 0 {
			anon := "anon-" + ev.UserID
			calls = append(calls,
				call{"page", map[string]any{"anonymousId": anon, "name": "Home", "timestamp": ev.Timestamp.Add(-time.Minute)}},
				call{"identify", map[string]any{"anonymousId": anon, "userId": ev.UserID, "timestamp": ev.Timestamp.Add(-time.Second)}})
		}
		calls = append(calls, call{"track", map[string]any{
			"userId": ev.UserID, "event": ev.Event, "properties": ev.Properties, "timestamp": ev.Timestamp,
		}})
	}
	return calls
}

// sendWithSDK runs send.js with the SDK named sdk against the collector at url.
func sendWithSDK(t *testing.T, sdk, url string, calls []call) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: run scripts/deps.sh (Debian: apt-get install nodejs npm)")
	}
	for _, pkg := range []string{"@segment/analytics-node", "@rudderstack/rudder-sdk-node"} {
		if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", pkg, "package.json")); err != nil {
			t.Fatalf("%s is not installed in %s: run scripts/deps.sh (it runs npm ci there)", pkg, nodeDir)
		}
	}
	in, err := json.Marshal(calls)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, "send.js", sdk)
	cmd.Dir = nodeDir
	cmd.Env = append(os.Environ(), "COLLECTOR_URL="+url, "WRITE_KEY="+testKey)
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("send.js %s: %v\n%s", sdk, err, out.String())
	}
	t.Logf("%s", strings.TrimSpace(out.String()))
}

// landed is what a user would check of an event on the clickstream topic.
type landed struct{ Key, Type, Event, User, ProductID string }

func TestRealSDKsLandOnClickstream(t *testing.T) {
	for _, sdk := range []string{"segment-node", "rudder-node"} {
		t.Run(sdk, func(t *testing.T) {
			rg := newRig(t, Config{}, nil)
			calls := sampleCalls(t, 40)
			sendWithSDK(t, sdk, rg.url, calls)

			var want []landed
			for _, c := range calls {
				user, _ := c.Message["userId"].(string)
				if user == "" {
					user, _ = c.Message["anonymousId"].(string)
				}
				l := landed{Key: user, Type: c.Method, User: user}
				if p, ok := c.Message["properties"].(schemas.Properties); ok {
					l.Event, l.ProductID = c.Message["event"].(string), p.ProductID
				}
				want = append(want, l)
			}
			var got []landed
			ids := map[string]bool{}
			for _, r := range rg.consume(t, rg.topics.Clickstream, len(calls)) {
				ev, err := schemas.DecodeEvent(r.Value, schemas.Limits{})
				if err != nil {
					t.Fatalf("%s sent an event the pipeline rejects: %v\n%s", sdk, err, r.Value)
				}
				if strings.HasPrefix(ev.MessageID, "adshift-") || ids[ev.MessageID] {
					t.Errorf("messageId %q: want the SDK's own, once each", ev.MessageID)
				}
				ids[ev.MessageID] = true
				got = append(got, landed{Key: string(r.Key), Type: ev.Type, Event: ev.Event, User: ev.User(), ProductID: ev.Properties.ProductID})
			}
			order := func(a, b landed) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) }
			slices.SortFunc(want, order)
			slices.SortFunc(got, order)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: on clickstream\n%v\nwant\n%v", sdk, got, want)
			}
			// RudderStack's SDK gzips its batches: the collector read them.
			if sdk == "rudder-node" && rg.gzipped.Load() == 0 {
				t.Errorf("%s sent no gzipped request", sdk)
			}
		})
	}
}
