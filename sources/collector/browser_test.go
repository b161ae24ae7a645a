package collector

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// pageReport is what the test page says once analytics.js has sent its calls.
type pageReport struct {
	Sent        int      `json:"sent"`
	Failed      []string `json:"failed"`
	AnonymousID string   `json:"anonymousId"`
	Error       string   `json:"error"`
}

// shop serves the test page and analytics.js's UMD build from the npm package, and hands the
// page's report to reports.
func shop(t *testing.T, reports chan<- pageReport) string {
	t.Helper()
	umd := filepath.Join(nodeDir, "node_modules", "@segment", "analytics-next", "dist", "umd")
	if _, err := os.Stat(filepath.Join(umd, "index.js")); err != nil {
		t.Fatalf("@segment/analytics-next is not installed in %s: run scripts/deps.sh (it runs npm ci there)", nodeDir)
	}
	mux := http.NewServeMux()
	mux.Handle("/ajs/", http.StripPrefix("/ajs/", http.FileServer(http.Dir(umd))))
	// analytics.js loads its lazy chunks from the CDN it was told, under this path.
	mux.Handle("/analytics-next/bundles/", http.StripPrefix("/analytics-next/bundles/", http.FileServer(http.Dir(umd))))
	mux.HandleFunc("/shop", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "testdata/page.html")
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		var rp pageReport
		if err := json.NewDecoder(r.Body).Decode(&rp); err != nil {
			rp.Error = "unreadable report: " + err.Error()
		}
		select {
		case reports <- rp:
		default:
		}
	})
	return serve(t, mux)
}

// chromium opens page in headless Chromium until the test ends.
func chromium(t *testing.T, page string) {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed: run scripts/deps.sh (Debian: apt-get install chromium)")
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), page)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the browser and its helper processes
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("chromium output:\n%s", out.String())
		}
	})
}

func TestAnalyticsJSInChromium(t *testing.T) {
	t.Run("a call per event", func(t *testing.T) { analyticsJS(t, false) })
	t.Run("batching", func(t *testing.T) { analyticsJS(t, true) })
}

// analyticsJS tracks a visit with analytics.js in Chromium, in batching delivery or not, and
// checks what lands on the clickstream.
func analyticsJS(t *testing.T, batching bool) {
	rg := newRig(t, Config{}, nil)
	reports := make(chan pageReport, 1)
	site := shop(t, reports)
	api := strings.TrimPrefix(rg.url, "http://")
	q := url.Values{"writeKey": {testKey}, "api": {api}}
	if batching {
		q.Set("batching", "1")
	}
	chromium(t, site+"/shop?"+q.Encode())

	var rp pageReport
	select {
	case rp = <-reports:
	case <-time.After(60 * time.Second):
		t.Fatal("the test page did not report within 60s")
	}
	if rp.Error != "" || len(rp.Failed) > 0 || rp.Sent != 4 {
		t.Fatalf("analytics.js on the page: %+v", rp)
	}
	recs := rg.consume(t, rg.topics.Clickstream, 4)
	var got []string
	for _, r := range recs {
		ev, err := schemas.DecodeEvent(r.Value, schemas.Limits{})
		if err != nil {
			t.Fatalf("analytics.js sent an event the pipeline rejects: %v\n%s", err, r.Value)
		}
		if ev.AnonymousID != rp.AnonymousID {
			t.Errorf("anonymousId %q, want the browser's %q", ev.AnonymousID, rp.AnonymousID)
		}
		if _, leaked := fields(t, r)["writeKey"]; leaked {
			t.Errorf("the write key was produced: %s", r.Value)
		}
		got = append(got, string(r.Key)+" "+ev.Type+" "+ev.Event+" "+ev.Properties.ProductID)
	}
	want := []string{
		rp.AnonymousID + " page  ",
		rp.AnonymousID + " track Product Viewed p-42",
		"shopper-7 identify  ",
		"shopper-7 track Product Added p-42",
	}
	// Records of one key keep their order; those of the two keys may interleave.
	key := func(s string) string { return s[:strings.IndexByte(s, ' ')] }
	slices.SortStableFunc(got, func(a, b string) int { return strings.Compare(key(a), key(b)) })
	slices.SortStableFunc(want, func(a, b string) int { return strings.Compare(key(a), key(b)) })
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("on clickstream:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	path, calls := "/v1/track", 2.0 // analytics.js posts each track call to /v1/t
	if batching {
		path, calls = "/v1/batch", 1 // and its batches to /v1/b
	}
	if n := rg.counter(t, "adshift_collector_requests_total", "path", path, "code", "200"); n < calls {
		t.Errorf("%s calls answered 200: %v, want %v or more", path, n, calls)
	}
}
