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
	"sync"
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
	out      *output
	done     chan struct{}
}

// output is what a process wrote, safe to read while it still writes.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// startAdshift starts `adshift args…` as its own process with the variables in env; it is
// killed when the test ends.
func startAdshift(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{httpAddr: freeAddr(t), out: &output{}, done: make(chan struct{})}
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

// gauge reads the gauge name for group from the process's /metrics (-1 while it does not answer).
func (p *process) gauge(name, group string) float64 { return p.metric(name, "group", group) }

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

// chaosRig is a broker process, the REES46 sample replayed into it at 200x (about 51s), and
// the rekey, features and creatives stages run as processes of their own against it.
type chaosRig struct {
	addr     string
	env      []string
	a        *app
	adm      *kadm.Client
	replayed chan error
	errOut   bytes.Buffer
	started  time.Time
}

func newChaosRig(t *testing.T) *chaosRig {
	t.Helper()
	r := &chaosRig{addr: startBrokerProcess(t), replayed: make(chan error, 1)}
	r.env = []string{"ADSHIFT_KAFKA_BROKERS=" + r.addr, "ADSHIFT_CATALOG_PATH=../../data/sample/rees46-sample.csv", "ADSHIFT_LOG_LEVEL=info"}
	r.a = testApp(t)
	r.a.cfg.Kafka.Brokers, r.a.cfg.Kafka.CreateTopics = []string{r.addr}, false
	r.adm = adminClient(t, r.addr)
	return r
}

// stages starts an instance of the rekey, features and creatives stages.
func (r *chaosRig) stages(t *testing.T) *process {
	return startAdshift(t, r.env, "run", "--stages=rekey,features,creatives")
}

// replay starts the replay in the background.
func (r *chaosRig) replay(t *testing.T) {
	r.started = time.Now()
	go func() {
		var out bytes.Buffer
		r.replayed <- r.a.replay(t.Context(), "rees46", rees46File, mustSpeed(t, "200x"), &out, &r.errOut)
	}()
}

// at sleeps until d into the replay.
func (r *chaosRig) at(d time.Duration) { time.Sleep(time.Until(r.started.Add(d))) }

// finish waits for the replay and for both groups to commit everything, then for the lag gauge
// of every live instance to read 0, and returns the distinct ad ids on ads.ready, sorted.
func (r *chaosRig) finish(t *testing.T, live ...*process) []string {
	t.Helper()
	if err := <-r.replayed; err != nil {
		t.Fatalf("replay: %v\n%s", err, r.errOut.String())
	}
	last := live[len(live)-1]
	for group, topic := range map[string]string{"adshift-rekey": r.a.cfg.Topics.Clickstream.Name,
		"adshift-features": r.a.cfg.Topics.Keyed.Name, "adshift-creatives": r.a.cfg.Topics.Shifts.Name} {
		if !eventually(120*time.Second, func() bool { return noLag(t, r.adm, group, topic) }) {
			t.Fatalf("%s stalled: lag %s\n%s", group, lagOf(t, r.adm, group, topic), last.out.String())
		}
	}
	// The gauge is looked up every 15s; after every rebalance it must come back to the truth.
	for _, p := range live {
		if !eventually(45*time.Second, func() bool { return p.gauge("adshift_group_lag_records", "adshift-features") == 0 }) {
			t.Errorf("pid %d: adshift_group_lag_records{group=adshift-features} = %v with nothing left to read", p.cmd.Process.Pid, p.gauge("adshift_group_lag_records", "adshift-features"))
		}
	}
	seen := map[string]bool{}
	records := readAll(t, []string{r.addr}, r.a.cfg.Topics.Ads.Name)
	for _, rec := range records {
		ad, err := schemas.DecodeAd(rec.Value)
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
	t.Logf("%d ad records, %d distinct ads", len(records), len(got))
	return got
}

// The features and creatives stages run as a process of their own against `adshift broker`, and
// are killed with SIGKILL 8, 22 and 39s into the replay (as in the stall report), each time
// restarted a second later whether or not the last one got going. Nothing is lost and nothing
// differs: the ads on ads.ready are exactly those of a clean run. The time from each kill to the
// stages processing again is logged.
func TestKilledStagesLoseNothing(t *testing.T) {
	want := adIDsOfReplay(t, "max", false)
	r := newChaosRig(t)
	proc := r.stages(t)
	r.replay(t)
	resumed := make(chan string, 3)
	for kill, at := range []time.Duration{8 * time.Second, 22 * time.Second, 39 * time.Second} {
		r.at(at)
		t.Logf("killing pid %d; the group before: %s", proc.cmd.Process.Pid, lagOf(t, r.adm, "adshift-features", r.a.cfg.Topics.Keyed.Name))
		proc.kill()
		killed := time.Now()
		time.Sleep(time.Second)
		proc = r.stages(t)
		go func(p *process, kill int) {
			if eventually(90*time.Second, func() bool { return p.processed("adshift-features") > 0 }) {
				resumed <- fmt.Sprintf("kill %d, %.0fs into the replay: processing again %.1fs after the kill", kill, at.Seconds(), time.Since(killed).Seconds())
				return
			}
			resumed <- fmt.Sprintf("kill %d: not processing within 90s (killed again, or stalled)", kill)
		}(proc, kill+1)
	}
	got := r.finish(t, proc)
	for range 3 {
		t.Log(<-resumed)
	}
	if !slices.Equal(got, want) {
		t.Errorf("after three kills: %d ads missing, %d not made by a clean run (%d)", len(minus(want, got)), len(minus(got, want)), len(want))
	}
}

// A second and a third instance join mid-replay and the second leaves again (SIGTERM): the
// partitions move among them, and the ads are exactly those of a clean run.
func TestScaleOutAndInLosesNothing(t *testing.T) {
	want := adIDsOfReplay(t, "max", false)
	r := newChaosRig(t)
	first := r.stages(t)
	r.replay(t)
	r.at(10 * time.Second)
	second := r.stages(t)
	r.at(20 * time.Second)
	third := r.stages(t)
	r.at(35 * time.Second)
	secondProcessed := second.processed("adshift-features")
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-second.done:
	case <-time.After(40 * time.Second):
		t.Fatalf("the instance asked to stop did not within 40s:\n%s", second.out.String())
	}
	if code := second.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("the stopped instance exited %d, want 0:\n%s", code, second.out.String())
	}
	got := r.finish(t, first, third)
	// Each instance got partitions: the partitions really moved.
	for i, n := range []float64{first.processed("adshift-features"), secondProcessed, third.processed("adshift-features")} {
		t.Logf("instance %d processed %.0f clickstream records", i+1, n)
		if n == 0 {
			t.Errorf("instance %d processed no clickstream record: it never got a partition", i+1)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("after scaling out and in: %d ads missing, %d not made by a clean run (%d)", len(minus(want, got)), len(minus(got, want)), len(want))
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
	var members []string
	if described, err := adm.DescribeGroups(ctx, group); err == nil {
		for _, m := range described[group].Members {
			members = append(members, m.ClientID+"/"+m.MemberID+"@"+m.ClientHost)
		}
	}
	return fmt.Sprintf("state %s, members %v: %s", lags[group].State, members, strings.Join(parts, "; "))
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
