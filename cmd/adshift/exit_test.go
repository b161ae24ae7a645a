package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// execute runs adshift with args and returns its error and exit code. It fails the test when the
// command has not returned within 20s.
func execute(t *testing.T, args ...string) (error, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	root := newRoot()
	root.SetArgs(args)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	err := root.ExecuteContext(ctx)
	if ctx.Err() != nil {
		t.Fatalf("adshift %s did not end within 20s: %v", strings.Join(args, " "), err)
	}
	return err, exitCode(err)
}

// clearEnv unsets the caller's own ADSHIFT_ variables (a test run pointed at its ClickHouse) for
// the test: they are not the command lines'.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "ADSHIFT_") && !strings.HasPrefix(name, "ADSHIFT_CH_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

// silentBroker accepts connections and never answers on them.
func silentBroker(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// Exit codes tell a wrong command line (2) from a wrong configuration (3), a broker or
// ClickHouse that does not answer (4) and any other failure (1).
func TestExitCodes(t *testing.T) {
	sample := "../../data/sample/rees46-sample.csv"
	f := func(name string, want int, wantText string, setup func(), args ...string) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			clearEnv(t)
			if setup != nil {
				setup()
			}
			err, code := execute(t, args...)
			if code != want || err == nil || !strings.Contains(err.Error(), wantText) {
				t.Errorf("adshift %s: exit %d, %v; want exit %d and an error containing %q", strings.Join(args, " "), code, err, want, wantText)
			}
		})
	}
	f("unknown command", exitUsage, "unknown command", nil, "rnu")
	f("unknown flag", exitUsage, "unknown flag", nil, "run", "--stagez=features")
	f("bad stage", exitUsage, "--stages", nil, "run", "--stages=everything")
	f("bad speed", exitUsage, "--speed", nil, "replay", "--format", "rees46", "--file", sample, "--speed", "fast")
	f("missing flag", exitUsage, "format", nil, "replay", "--file", sample)
	f("missing config file", exitConfig, "not found", nil, "--config", filepath.Join(t.TempDir(), "none.yaml"), "config", "print")
	f("misspelt variable", exitConfig, "ADSHIFT_KAFKA_BROKER: no such key (did you mean ADSHIFT_KAFKA_BROKERS?)", func() {
		t.Setenv("ADSHIFT_KAFKA_BROKER", "kafka:9092")
	}, "config", "print")
	f("bad value", exitConfig, "kafka.compression", func() { t.Setenv("ADSHIFT_KAFKA_COMPRESSION", "brotli") }, "config", "print")
	f("CA file missing", exitConfig, "kafka.tls: ca_file", func() {
		t.Setenv("ADSHIFT_KAFKA_TLS_ENABLED", "true")
		t.Setenv("ADSHIFT_KAFKA_TLS_CA_FILE", filepath.Join(t.TempDir(), "ca.pem"))
	}, "--kafka.brokers", "kafka:9092", "config", "print")
	silent := silentBroker(t)
	f("broker that never answers", exitConnection, "no Kafka broker answered (tried ["+silent+"])", func() {
		t.Setenv("ADSHIFT_KAFKA_DIAL_TIMEOUT", "1s")
	}, "--kafka.brokers", silent, "replay", "--format", "rees46", "--file", sample)
	closed := freeAddr(t)
	f("no broker", exitConnection, "tried ["+closed+"]", func() {
		t.Setenv("ADSHIFT_KAFKA_DIAL_TIMEOUT", "1s")
	}, "--kafka.brokers", closed, "replay", "--format", "rees46", "--file", sample)
	f("no ClickHouse", exitConnection, "nothing answers at "+closed, nil, "--clickhouse.addr", closed, "migrate")
	head, _, _ := strings.Cut(string(mustRead(t, sample)), "\n")
	empty := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(empty, []byte(head+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f("nothing to replay", exitFailure, "no rows", nil, "replay", "--format", "rees46", "--file", empty)
	clearEnv(t)
	if err, code := execute(t, "version"); err != nil || code != exitOK {
		t.Errorf("adshift version: exit %d, %v", code, err)
	}
	var ran ranError
	if err, _ := execute(t, "replay", "--format", "rees46", "--file", empty); !errors.As(err, &ran) {
		t.Errorf("a command's own error is not marked as ran: %#v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
