package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/schemas"
)

// process is an adshift process the test started: the test binary run as adshift.
type process struct {
	cmd      *exec.Cmd
	httpAddr string
	out      *bytes.Buffer
	done     chan struct{}
}

// startAdshift starts `adshift args…` as its own process with the variables in env; it is
// killed when the test ends.
func startAdshift(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{httpAddr: freeAddr(t), out: &bytes.Buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(exe, args...)
	p.cmd.Env = append(append(os.Environ(), beAdshift+"=1", "ADSHIFT_HTTP_ADDR="+p.httpAddr), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	return p
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (p *process) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// processed reads the process's records_processed_total for group from its /metrics (0 while it
// does not answer).
func (p *process) processed(group string) float64 {
	resp, err := http.Get("http://" + p.httpAddr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return 0
	}
	sum := 0.0
	for _, m := range mfs["adshift_group_records_processed_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "group" && l.GetValue() == group {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

// startBrokerProcess runs `adshift broker` and returns its address once it says it listens.
func startBrokerProcess(t *testing.T) string {
	t.Helper()
	addr := freeAddr(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "broker")
	cmd.Env = append(os.Environ(), beAdshift+"=1", "ADSHIFT_KAFKA_EMBEDDED_ADDR="+addr, "ADSHIFT_LOG_LEVEL=warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "embedded Kafka broker on "+addr) {
		t.Fatalf("adshift broker said %q (%v), want it listening on %s", line, err, addr)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return addr
}

// The features and creatives stages run as a process of their own against `adshift broker`, and
// are killed with SIGKILL three times while the REES46 sample is replayed, each time restarted a
// second later. Nothing is lost and nothing differs: the ads on ads.ready are exactly those of a
// clean run. The time from each kill to the stages processing again is logged.
func TestKilledStagesLoseNothing(t *testing.T) {
	want := adIDsOfReplay(t, "max", false)

	addr := startBrokerProcess(t)
	env := []string{"ADSHIFT_KAFKA_BROKERS=" + addr, "ADSHIFT_CATALOG_PATH=../../data/sample/rees46-sample.csv", "ADSHIFT_LOG_LEVEL=info"}
	stages := []string{"run", "--stages=rekey,features,creatives"}
	proc := startAdshift(t, env, stages...)

	a := testApp(t)
	a.cfg.Kafka.Brokers, a.cfg.Kafka.CreateTopics = []string{addr}, false
	replayed := make(chan error, 1)
	var out, errOut bytes.Buffer
	go func() {
		replayed <- a.replay(t.Context(), "rees46", rees46File, mustSpeed(t, "200x"), &out, &errOut)
	}()
	adm := adminClient(t, addr)
	// The replay takes about 51s; the kills come 8, 22 and 39s into it, mid-stream, each
	// restarted a second later whether or not the last one got going.
	started := time.Now()
	resumed := make(chan string, 3)
	for kill, at := range []time.Duration{8 * time.Second, 22 * time.Second, 39 * time.Second} {
		time.Sleep(time.Until(started.Add(at)))
		proc.kill()
		killed := time.Now()
		time.Sleep(time.Second)
		proc = startAdshift(t, env, stages...)
		go func(p *process, kill int) {
			if eventually(90*time.Second, func() bool { return p.processed("adshift-features") > 0 }) {
				resumed <- fmt.Sprintf("kill %d, %.0fs into the replay: processing again %.1fs after the kill", kill, at.Seconds(), time.Since(killed).Seconds())
				return
			}
			resumed <- fmt.Sprintf("kill %d: not processing within 90s (killed again, or stalled)", kill)
		}(proc, kill+1)
	}
	if err := <-replayed; err != nil {
		t.Fatalf("replay: %v\n%s", err, errOut.String())
	}
	if !eventually(120*time.Second, func() bool { return noLag(t, adm, "adshift-rekey", a.cfg.Topics.Clickstream.Name) }) {
		t.Fatalf("the rekey stage stalled: lag %s\n%s", lagOf(t, adm, "adshift-rekey", a.cfg.Topics.Clickstream.Name), proc.out.String())
	}
	if !eventually(120*time.Second, func() bool { return noLag(t, adm, "adshift-features", a.cfg.Topics.Keyed.Name) }) {
		t.Fatalf("the features stage stalled: lag %s\n%s", lagOf(t, adm, "adshift-features", a.cfg.Topics.Keyed.Name), proc.out.String())
	}
	if !eventually(120*time.Second, func() bool { return noLag(t, adm, "adshift-creatives", a.cfg.Topics.Shifts.Name) }) {
		t.Fatalf("the creatives stage stalled: lag %s\n%s", lagOf(t, adm, "adshift-creatives", a.cfg.Topics.Shifts.Name), proc.out.String())
	}
	for range 3 {
		t.Log(<-resumed)
	}

	seen := map[string]bool{}
	records := readAll(t, []string{addr}, a.cfg.Topics.Ads.Name)
	for _, r := range records {
		ad, err := schemas.DecodeAd(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		seen[ad.AdID] = true
	}
	got := make([]string, 0, len(seen))
	for id := range seen {
		got = append(got, id)
	}
	slices.Sort(got)
	t.Logf("%d ad records, %d distinct ads; a clean run made %d", len(records), len(got), len(want))
	if !slices.Equal(got, want) {
		t.Errorf("after three kills: %d ads missing, %d not made by a clean run", len(minus(want, got)), len(minus(got, want)))
	}
}

// eventually reports whether cond held within timeout, polling it.
func eventually(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}

// lagOf describes group's lag on topic partition by partition, with each partition's owner.
func lagOf(t *testing.T, adm *kadm.Client, group, topic string) string {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	lags, err := adm.Lag(ctx, group)
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, l := range lags[group].Lag[topic] {
		owner := "none"
		if l.Member != nil {
			owner = l.Member.ClientID + "/" + l.Member.MemberID
		}
		parts = append(parts, fmt.Sprintf("partition %d lags %d (owner %s)", l.Partition, l.Lag, owner))
	}
	slices.Sort(parts)
	return fmt.Sprintf("state %s: %s", lags[group].State, strings.Join(parts, "; "))
}

// adminClient returns an admin client of the broker at addr, closed when the test ends.
func adminClient(t *testing.T, addr string) *kadm.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

// noLag reports whether group has committed the end of every partition of topic.
func noLag(t *testing.T, adm *kadm.Client, group, topic string) bool {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	lags, err := adm.Lag(ctx, group)
	if err != nil || len(lags[group].Lag[topic]) == 0 {
		return false
	}
	for _, l := range lags[group].Lag[topic] {
		if l.Lag != 0 {
			return false
		}
	}
	return true
}
