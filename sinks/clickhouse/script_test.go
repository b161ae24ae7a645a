package clickhouse

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// script runs scripts/clickhouse.sh with args on the native port, a free HTTP port and its data
// under dir, and returns its output and exit code. Whether to reuse is only what env says.
func script(t *testing.T, dir, port string, env []string, args ...string) (string, int) {
	t.Helper()
	c := exec.Command("../../scripts/clickhouse.sh", args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ADSHIFT_CH_") {
			c.Env = append(c.Env, kv)
		}
	}
	c.Env = append(c.Env, "ADSHIFT_CH_PORT="+port, "ADSHIFT_CH_HTTP_PORT="+strconv.Itoa(freePort(t)), "ADSHIFT_CH_DIR="+dir)
	c.Env = append(c.Env, env...)
	out, err := c.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("clickhouse.sh %v: %v", args, err)
	}
	t.Cleanup(func() {
		// Had it started a server of its own under dir, stop that one: never any other.
		if _, err := os.Stat(filepath.Join(dir, "server.pid")); err == nil {
			t.Errorf("clickhouse.sh %v started a server under %s", args, dir)
			stop := exec.Command("../../scripts/clickhouse.sh", "down")
			stop.Env = c.Env
			_ = stop.Run()
		}
	})
	return string(out), c.ProcessState.ExitCode()
}

// listen holds a free port with a listener that is not ClickHouse: it hangs up on every
// connection.
func listen(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	})
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// up refuses a port held by something it did not start, saying how to go on, and starts nothing.
func TestScriptRefusesPortItDidNotTake(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "clickhouse")
	out, code := script(t, dir, listen(t), nil, "up")
	if code == 0 || !strings.Contains(out, "is not ClickHouse") || !strings.Contains(out, "ADSHIFT_CH_PORT=") {
		t.Errorf("up on a port another program holds: exit %d, said:\n%s\nwant a failure with the ADSHIFT_CH_PORT hint", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "config.xml")); err == nil {
		t.Error("up wrote a server configuration for a port it refused")
	}
}

// up refuses a ClickHouse it did not start (the test server, seen from a data directory of its
// own) unless told to reuse it, and the message says how.
func TestScriptRefusesForeignClickHouseUnlessReused(t *testing.T) {
	_, port, err := net.SplitHostPort(testAddr())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "clickhouse")
	out, code := script(t, dir, port, nil, "up")
	for _, want := range []string{"not started by this script", "--reuse", "ADSHIFT_CH_REUSE=1"} {
		if code == 0 || !strings.Contains(out, want) {
			t.Errorf("up beside a foreign ClickHouse: exit %d, said:\n%s\nwant a failure that says %q", code, out, want)
		}
	}
	f := func(env []string, args ...string) {
		t.Helper()
		out, code := script(t, dir, port, env, args...)
		if code != 0 || !strings.Contains(out, "reusing the ClickHouse") {
			t.Errorf("clickhouse.sh %v with %v: exit %d, said:\n%s\nwant it to reuse the server", args, env, code, out)
		}
	}
	f(nil, "up", "--reuse")
	f([]string{"ADSHIFT_CH_REUSE=1"}, "up")
}
