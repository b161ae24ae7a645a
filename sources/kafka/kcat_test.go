package kafka

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const kcatPath = "/usr/bin/kcat"

// kcat runs Debian's kcat against the embedded broker.
func kcat(t *testing.T, stdin string, args ...string) {
	t.Helper()
	if _, err := os.Stat(kcatPath); err != nil {
		t.Fatalf("kcat is required for the interop tests and is missing at %s: install Debian's kcat (apt-get install kcat)", kcatPath)
	}
	cmd := exec.CommandContext(t.Context(), kcatPath, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
}

func TestGroupReadsWhatKcatProduces(t *testing.T) {
	const topic = "clickstream"
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: 3})
	lines := []string{"user-1:viewed shoes", "user-2:searched tents", "user-1:added shoes", "user-3:ordered", "user-1:checkout"}
	kcat(t, strings.Join(lines, "\n")+"\n", "-P", "-b", addrs[0], "-t", topic, "-K:")

	stage := newFakeStage(topic)
	g, err := NewGroup(testConfig(addrs, "adshift-kcat"), stage, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	stop := runGroup(t, g, stage)
	stage.waitFor(t, "kcat's records", func() bool { return stage.count() == len(lines) })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	// kcat partitions by key, so one user's events arrive in the order they were written.
	byUser := make(map[string][]string)
	for _, recs := range stage.processed {
		for _, r := range recs {
			byUser[string(r.Key)] = append(byUser[string(r.Key)], string(r.Value))
		}
	}
	want := map[string][]string{
		"user-1": {"viewed shoes", "added shoes", "checkout"},
		"user-2": {"searched tents"},
		"user-3": {"ordered"},
	}
	for user, events := range want {
		if got := byUser[user]; strings.Join(got, "|") != strings.Join(events, "|") {
			t.Errorf("%s: got %q, want %q", user, got, events)
		}
	}
}
