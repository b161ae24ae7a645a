package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pageCheck is what testdata/report-check.html found Chromium had laid out of the report page.
type pageCheck struct {
	Title           string       `json:"title"`
	H1              string       `json:"h1"`
	Summary         string       `json:"summary"`
	Headings        []string     `json:"headings"`
	TableRows       int          `json:"tableRows"`
	IncrementalRows int          `json:"incrementalRows"`
	BodyHeight      float64      `json:"bodyHeight"`
	Charts          []chartCheck `json:"charts"`
	Error           string       `json:"error"`
}

// chartCheck is one SVG chart as laid out: its size and the marks it drew.
type chartCheck struct {
	Label          string  `json:"label"`
	Width          float64 `json:"width"`
	Height         float64 `json:"height"`
	Circles        int     `json:"circles"`
	PolylinePoints int     `json:"polylinePoints"`
	Polygons       int     `json:"polygons"`
	Lines          int     `json:"lines"`
	Unplotted      int     `json:"unplotted"` // marks with a coordinate that is no number
	Invisible      int     `json:"invisible"` // points the browser gave no area
}

// The page adshift report --html writes from real ClickHouse rows, opened in headless Chromium:
// it renders, every chart has the data points the report has, and the browser logs nothing to
// its console.
func TestReportPageInChromium(t *testing.T) {
	a := simulatedRowsApp(t)
	page := filepath.Join(t.TempDir(), "report.html")
	cmd := newReportCmd(a)
	cmd.SetArgs([]string{"--html", page})
	cmd.SetOut(io.Discard)
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	r, err := a.report(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	checks := make(chan pageCheck, 1)
	console := headlessChromium(t, servePage(t, page, checks)+"/check")
	var c pageCheck
	select {
	case c = <-checks:
	case <-time.After(90 * time.Second):
		t.Fatal("the check page did not report within 90s")
	}
	if c.Error != "" || c.Title != "adshift report — "+a.cfg.ClickHouse.Database || c.H1 != "adshift report" ||
		!strings.Contains(c.Summary, "ads were shown") || c.BodyHeight < 1000 || c.TableRows < 30 || c.IncrementalRows < 1 {
		t.Errorf("page %+v", c)
	}
	for _, h := range []string{"Sample ratio", "Lift of treatment over holdout", "Per-arm CTR lift", "Variance reduction (CUPED)",
		"Incremental outcomes", "Guardrails", "By arm"} {
		if !slices.Contains(c.Headings, h) {
			t.Errorf("no heading %q in %q", h, c.Headings)
		}
	}
	charts := map[string]chartCheck{}
	for _, ch := range c.Charts {
		charts[ch.Label] = ch
		if !(ch.Width > 100 && ch.Height > 100) || ch.Unplotted > 0 || ch.Invisible > 0 {
			t.Errorf("chart %+v", ch)
		}
	}
	var points int
	for _, p := range r.Series {
		if p.Impressions > 0 {
			points++
		}
	}
	ctr, lift, bars := charts["CTR by arm over time"], charts["CTR lift over looks"], charts["lift with interval"]
	if ctr.Circles != points || ctr.PolylinePoints < 2 || ctr.Polygons == 0 {
		t.Errorf("CTR chart %+v, want a point for each of the report's %d", ctr, points)
	}
	if lift.PolylinePoints != len(r.LiftSeries) || lift.Circles != len(r.LiftSeries) || lift.Polygons != 1 {
		t.Errorf("lift chart %+v, want a point for each of the report's %d looks", lift, len(r.LiftSeries))
	}
	if bars.Circles < 1 || bars.Lines < 3 {
		t.Errorf("lift bars %+v", bars)
	}
	if msgs := console(); len(msgs) > 0 {
		t.Errorf("the browser's console:\n%s", strings.Join(msgs, "\n"))
	}
}

// servePage serves the report page, the check page beside it, and hands the check page's
// findings to checks; it returns the server's address.
func servePage(t *testing.T, page string, checks chan<- pageCheck) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/report.html", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, page) })
	mux.HandleFunc("/check", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "testdata/report-check.html")
	})
	mux.HandleFunc("/done", func(w http.ResponseWriter, r *http.Request) {
		var c pageCheck
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			c.Error = "unreadable findings: " + err.Error()
		}
		select {
		case checks <- c:
		default:
		}
	})
	mux.HandleFunc("/favicon.ico", http.NotFound)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// headlessChromium opens url in Debian's Chromium until the test ends, and returns a function
// that lists the console messages it has logged so far (Chromium writes every page's console to
// its log as CONSOLE lines).
func headlessChromium(t *testing.T, url string) func() []string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed: run scripts/deps.sh (Debian: apt-get install chromium)")
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--enable-logging=stderr", "--v=0", "--window-size=1440,1000", "--user-data-dir="+t.TempDir(), url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
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
	return func() []string {
		var msgs []string
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, ":CONSOLE") {
				msgs = append(msgs, line)
			}
		}
		return msgs
	}
}

// lockedBuffer is a strings.Builder safe for the browser's output and the test's reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
