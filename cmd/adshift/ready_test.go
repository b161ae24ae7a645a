package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/rekey"
)

// tcpProxy forwards connections from a port of its own to target until stopped; stopped, its
// port is closed, which is what a ClickHouse that went down looks like to a client.
type tcpProxy struct {
	target string
	ln     net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, addr, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{target: target, ln: ln}
	p.wg.Go(p.accept)
	t.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) accept() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		p.wg.Go(func() { _, _ = io.Copy(out, in); out.Close() })
		p.wg.Go(func() { _, _ = io.Copy(in, out); in.Close() })
	}
}

// stop closes the port and cuts every connection.
func (p *tcpProxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// With ClickHouse gone, /readyz says so and answers 503 while /healthz still says the process
// is alive; with ClickHouse back, /readyz is 200 again.
func TestReadyzFollowsClickHouse(t *testing.T) {
	a := testApp(t)
	chAddr := freeAddr(t)
	proxy := startProxy(t, chAddr, a.cfg.ClickHouse.Addr)
	a.cfg.ClickHouse.Addr = chAddr
	stop := startRun(t, a, []string{rekey.Name, features.Name, outcomes.Name})
	defer stop()
	base := "http://" + a.cfg.HTTP.Addr

	var body string
	waitFor(t, "/readyz to answer 200", 30*time.Second, func() bool {
		var code int
		code, body = get(t, base+"/readyz")
		return code == http.StatusOK
	})
	for _, want := range []string{"ok kafka", "ok clickhouse", "ok stage features", "ok stage outcomes"} {
		if !strings.Contains(body, want) {
			t.Errorf("/readyz when ready says %q, want a line %q", body, want)
		}
	}

	proxy.stop()
	code, body := get(t, base+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "not ready clickhouse: clickhouse at "+chAddr) ||
		!strings.Contains(body, "ok kafka") {
		t.Errorf("/readyz with ClickHouse down: %d %q, want 503 naming ClickHouse at %s", code, body, chAddr)
	}
	t.Logf("/readyz with ClickHouse down: %d\n%s", code, body)
	if code, body := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with ClickHouse down: %d %q, want 200: the process is alive", code, body)
	}

	startProxy(t, chAddr, proxy.target)
	waitFor(t, "/readyz to answer 200 once ClickHouse is back", 30*time.Second, func() bool {
		code, body = get(t, base+"/readyz")
		return code == http.StatusOK
	})
}

// Readiness holds every stage to http.ready_max_lag but the two whose commits trail what they
// processed by design (held orders, files still filling).
func TestReadyMaxLagPerStage(t *testing.T) {
	a := &app{}
	a.cfg.HTTP.ReadyMaxLag = 100
	for stage, want := range map[string]int64{"features": 100, "creatives": 100, "rekey": 100, "outcomes": 0, "archive": 0} {
		if got := a.readyMaxLag(stage); got != want {
			t.Errorf("readyMaxLag(%s) = %d, want %d", stage, got, want)
		}
	}
}
