package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/sources/dataset/datasettest"
	"github.com/adshift/adshift/sources/kafka"
)

// demoHints prints the closing hints of scripts/demo.sh for a demo that kept its files in work,
// wrote database db on the ClickHouse at chAddr and served its embedded broker on broker. It
// runs the script's own print_hints in a shell that has only those, as the demo has them.
func demoHints(t *testing.T, work, db, chAddr, broker string) string {
	t.Helper()
	script, err := os.ReadFile("../../scripts/demo.sh")
	if err != nil {
		t.Fatal(err)
	}
	fn := regexp.MustCompile(`(?ms)^print_hints\(\) \{\n.*?^\}\n`).Find(script)
	if fn == nil {
		t.Fatal("scripts/demo.sh defines no print_hints")
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", string(fn)+"print_hints\n")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "work=" + work, "db=" + db, "broker=" + broker,
		"ADSHIFT_CLICKHOUSE_ADDR=" + chAddr}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("print_hints: %v\n%s", err, errOut.String())
	}
	return out.String()
}

// clearAdshiftEnv unsets every ADSHIFT_ variable for the rest of the test: a hint runs in a
// reader's shell, which has none of the demo's exports.
func clearAdshiftEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "ADSHIFT_") {
			t.Setenv(k, "") // restores it when the test ends
			os.Unsetenv(k)
		}
	}
}

// The commands the demo prints at the end work as printed, in a shell that has none of the
// demo's exports: report reads the demo's database, replay --parquet takes the folder the run
// archived to, clickhouse-client reaches the demo's server.
func TestDemoHintsWorkAsPrinted(t *testing.T) {
	a := testApp(t)
	ch, err := a.clickhouse(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ch.Close()

	// The run's log, as the demo keeps it, says where the run archives: the archive stage logs it.
	work := t.TempDir()
	runLog, err := os.Create(filepath.Join(work, "run.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer runLog.Close()
	a.log = newLogger(runLog, config.Log{Level: "info", Format: "text"})
	a.cfg.Archive.Files.Dir = filepath.Join(t.TempDir(), "var", "archive")
	if _, err := a.archiveStage(); err != nil {
		t.Fatal(err)
	}
	dirs, _ := filepath.Glob(filepath.Join(a.cfg.Archive.Files.Dir, "embedded-*"))
	if len(dirs) != 1 {
		t.Fatalf("archive folders %v, want the run's one", dirs)
	}
	parts := datasettest.Clickstream(t, "rees46", rees46File, 2, nil)
	archiveClickstream(t, dirs[0], parts)
	archived := int64(len(parts[0]) + len(parts[1]))

	// The broker of the "adshift run" the hint says to start first.
	broker, err := kafka.StartEmbedded(t.Context(), a.cfg.Kafka.EmbeddedAddr, topicSpecs(a.cfg.Topics), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Close()

	hints := demoHints(t, work, a.cfg.ClickHouse.Database, a.cfg.ClickHouse.Addr, a.cfg.Kafka.EmbeddedAddr)
	t.Log(hints)
	clearAdshiftEnv(t)
	t.Chdir("../..") // the demo prints its hints from the repository's root
	ran := map[string]int{}
	for line := range strings.Lines(hints) {
		command := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), 2)[0]
		words := strings.Fields(command)
		switch {
		case len(words) > 0 && words[0] == "clickhouse-client":
			var out bytes.Buffer
			sh := exec.Command("bash", "-c", command)
			sh.Stdout, sh.Stderr = &out, &out
			if err := sh.Run(); err != nil {
				t.Errorf("%s: %v\n%s", command, err, out.String())
			}
			ran["clickhouse-client"]++
		case strings.Contains(command, "bin/adshift "):
			name := runAdshiftHint(t, command, a.cfg.ClickHouse.Database, a.cfg.ClickHouse.Addr, archived)
			ran[name]++
		}
	}
	for name, want := range map[string]int{"clickhouse-client": 2, "report": 1, "replay": 1, "run": 1} {
		if ran[name] != want {
			t.Errorf("the demo printed %d %s commands, want %d:\n%s", ran[name], name, want, hints)
		}
	}
	if got := endOffsets(t, broker.Addrs(), a.cfg.Topics.Clickstream.Name); got != archived {
		t.Errorf("the clickstream holds %d records after the printed replay, want the %d archived", got, archived)
	}
}

// runAdshiftHint runs one printed adshift command, "VAR=value … bin/adshift sub --flags", in
// process with its variables set, and returns its subcommand. A run is parsed, not started: it
// would not return.
func runAdshiftHint(t *testing.T, command, db, chAddr string, archived int64) string {
	t.Helper()
	words := strings.Fields(command)
	var env []string
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env, words = append(env, words[0]), words[1:]
	}
	if len(words) < 2 || words[0] != "bin/adshift" {
		t.Fatalf("hint %q: want [VAR=value …] bin/adshift <command>", command)
	}
	args := words[1:]
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	defer func() {
		for _, kv := range env {
			k, _, _ := strings.Cut(kv, "=")
			os.Unsetenv(k)
		}
	}()
	if args[0] == "report" || args[0] == "run" {
		cfg, err := config.Load("", nil)
		if err != nil {
			t.Fatalf("%s: %v", command, err)
		}
		if cfg.ClickHouse.Database != db || cfg.ClickHouse.Addr != chAddr {
			t.Errorf("%s reads database %s on %s, want the demo's %s on %s", command, cfg.ClickHouse.Database, cfg.ClickHouse.Addr, db, chAddr)
		}
	}
	root := newRoot()
	if args[0] == "run" {
		c, rest, err := root.Find(args)
		if err == nil {
			err = c.ParseFlags(rest)
		}
		if err != nil {
			t.Errorf("%s: %v", command, err)
		}
		return "run"
	}
	var out, errOut bytes.Buffer
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Errorf("%s: %v\n%s%s", command, err, out.String(), errOut.String())
		return args[0]
	}
	switch args[0] {
	case "report":
		if !json.Valid(out.Bytes()) {
			t.Errorf("%s printed no JSON:\n%s", command, out.String())
		}
	case "replay":
		if !strings.Contains(out.String(), fmt.Sprintf("replayed %d events", archived)) {
			t.Errorf("%s: %s, want %d events replayed", command, out.String(), archived)
		}
	}
	return args[0]
}
