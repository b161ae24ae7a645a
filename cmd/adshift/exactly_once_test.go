package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/schemas"
)

// eosRig is a broker process holding the REES46 sample replayed and keyed, ready for the
// features stage.
type eosRig struct {
	addr string
	env  []string
	a    *app
	adm  *kadm.Client
}

// newEOSRig starts a broker process and the rekey stage on it (a process of its own, at least
// once, left running), so events replayed into the clickstream reach the features stage keyed.
func newEOSRig(t *testing.T) *eosRig {
	t.Helper()
	r := &eosRig{addr: startBrokerProcess(t)}
	r.env = []string{"ADSHIFT_KAFKA_BROKERS=" + r.addr, "ADSHIFT_CATALOG_PATH=../../data/sample/rees46-sample.csv",
		"ADSHIFT_LOG_LEVEL=info", "ADSHIFT_KAFKA_EXACTLY_ONCE=true"}
	r.a = testApp(t)
	r.a.cfg.Kafka.Brokers, r.a.cfg.Kafka.CreateTopics = []string{r.addr}, false
	r.adm = adminClient(t, r.addr)
	startAdshift(t, r.env, "run", "--stages=rekey")
	return r
}

// replay replays the REES46 file at full speed and waits until the rekey stage has keyed it all.
func (r *eosRig) replay(t *testing.T, file string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := r.a.replay(t.Context(), "rees46", file, mustSpeed(t, "max"), &out, &errOut); err != nil {
		t.Fatalf("replay: %v\n%s", err, errOut.String())
	}
	if !eventually(120*time.Second, func() bool { return noLag(t, r.adm, "adshift-rekey", r.a.cfg.Topics.Clickstream.Name) }) {
		t.Fatalf("rekey stalled: lag %s", lagOf(t, r.adm, "adshift-rekey", r.a.cfg.Topics.Clickstream.Name))
	}
}

// halves writes the REES46 sample's first and second halves to files of their own.
func halves(t *testing.T) (first, second string) {
	t.Helper()
	raw, err := os.ReadFile(rees46File)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(raw), "\n")
	header, rows := lines[0], lines[1:]
	dir := t.TempDir()
	first, second = filepath.Join(dir, "first.csv"), filepath.Join(dir, "second.csv")
	for path, part := range map[string][]string{first: rows[:len(rows)/2], second: rows[len(rows)/2:]} {
		if err := os.WriteFile(path, []byte(header+strings.Join(part, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return first, second
}

// features starts the features stage, exactly once, with env added.
func (r *eosRig) features(t *testing.T, env ...string) *process {
	return startAdshift(t, append(slices.Clone(r.env), env...), "run", "--stages=features")
}

// drained waits until the features group has committed all its input.
func (r *eosRig) drained(t *testing.T, p *process) {
	t.Helper()
	if !eventually(120*time.Second, func() bool { return noLag(t, r.adm, "adshift-features", r.a.cfg.Topics.Keyed.Name) }) {
		t.Fatalf("features stalled: lag %s\n%s", lagOf(t, r.adm, "adshift-features", r.a.cfg.Topics.Keyed.Name), p.out.String())
	}
}

// shifts reads the shifts topic to its end as a read-committed consumer (only records of
// committed transactions) or a read-uncommitted one (every record written), and returns each
// shift as user, profile version, reason and event time, sorted.
func (r *eosRig) shifts(t *testing.T, committed bool) []string {
	t.Helper()
	topic := r.a.cfg.Topics.Shifts.Name
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var ends kadm.ListedOffsets
	var err error
	if committed {
		ends, err = r.adm.ListCommittedOffsets(ctx, topic) // the last stable offsets
	} else {
		ends, err = r.adm.ListEndOffsets(ctx, topic)
	}
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	isolation := kgo.ReadUncommitted()
	if committed {
		isolation = kgo.ReadCommitted()
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.addr), kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(isolation),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.KeepControlRecords())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	left := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			left[o.Partition] = o.Offset
		}
	})
	var out []string
	for len(left) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %s: partitions %v not read to their end", topic, left)
		}
		fs.EachRecord(func(rec *kgo.Record) {
			end, ok := left[rec.Partition]
			if !ok || rec.Offset >= end {
				return
			}
			if rec.Offset+1 >= end {
				delete(left, rec.Partition)
			}
			if rec.Attrs.IsControl() {
				return
			}
			s, err := schemas.DecodeShift(rec.Value)
			if err != nil {
				t.Fatalf("%s partition %d offset %d: %v", topic, rec.Partition, rec.Offset, err)
			}
			out = append(out, fmt.Sprintf("%s v%d %s %s", s.User, s.ProfileVersion, s.Reason, s.EventTime.Format(time.RFC3339Nano)))
		})
	}
	slices.Sort(out)
	return out
}

// The features stage runs exactly once and is killed (SIGKILL) with a transaction open: the
// sample's first half committed, the shifts of the second half produced in a transaction that is
// not. Restarted, it aborts that transaction and does the work again: a read-committed consumer
// of adshift.shifts sees every shift of a clean run once, while a read-uncommitted one sees the
// aborted records too, so the test did crash mid-transaction.
func TestExactlyOnceFeaturesKilledMidTransaction(t *testing.T) {
	first, second := halves(t)
	clean := newEOSRig(t)
	p := clean.features(t)
	clean.replay(t, first)
	clean.drained(t, p)
	clean.replay(t, second)
	clean.drained(t, p)
	want := clean.shifts(t, true)
	p.kill()
	if len(want) == 0 {
		t.Fatal("a clean run made no shifts")
	}
	if d := duplicates(want); len(d) > 0 {
		t.Fatalf("a clean run made %d shifts more than once, such as %q", len(d), d[0])
	}

	r := newEOSRig(t)
	hold := t.TempDir()
	p = r.features(t, holdTransactionEnv+"="+hold)
	r.replay(t, first)
	r.drained(t, p)
	if err := os.WriteFile(filepath.Join(hold, "hold"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r.replay(t, second)
	if !eventually(60*time.Second, func() bool { _, err := os.Stat(filepath.Join(hold, "held")); return err == nil }) {
		p.kill()
		t.Fatalf("the features stage never held a transaction open:\n%s", p.out.String())
	}
	before := r.shifts(t, true)
	open := r.shifts(t, false)
	p.kill()
	if len(before) == 0 || len(open) <= len(before) {
		t.Fatalf("with a transaction held open, read-committed sees %d shifts, read-uncommitted %d: want the first half's committed and the open transaction's on the topic besides", len(before), len(open))
	}
	t.Logf("killed with a transaction open: %d shifts committed, %d more written uncommitted", len(before), len(open)-len(before))

	p = r.features(t)
	r.drained(t, p)
	got := r.shifts(t, true)
	all := r.shifts(t, false)
	if d := duplicates(got); len(d) > 0 {
		t.Errorf("read committed after the kill: %d shifts more than once, such as %q", len(d), d[0])
	}
	if !slices.Equal(got, want) {
		t.Errorf("read committed after the kill: %d shifts (a clean run: %d), %d missing, %d not made by the clean run",
			len(got), len(want), len(minus(want, got)), len(minus(got, want)))
	}
	if len(all) <= len(got) || len(duplicates(all)) == 0 {
		t.Errorf("read uncommitted after the kill: %d shifts, %d duplicated; want the aborted transaction's shifts written twice", len(all), len(duplicates(all)))
	}
	t.Logf("%d shifts once each, read committed; %d records read uncommitted", len(got), len(all))
}

// duplicates returns the entries of sorted that occur more than once.
func duplicates(sorted []string) []string {
	var out []string
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] && (len(out) == 0 || out[len(out)-1] != sorted[i]) {
			out = append(out, sorted[i])
		}
	}
	return out
}

// kafka.exactly_once gives the features stage a transaction under its stable id, and no other
// stage one.
func TestExactlyOnceAppliesToTheFeaturesStageOnly(t *testing.T) {
	a := testApp(t)
	brokers := []string{"127.0.0.1:9092"}
	if tx, err := a.transaction([]string{"features"}, brokers); err != nil || tx != nil {
		t.Fatalf("exactly_once off: transaction %v, %v; want none", tx, err)
	}
	a.cfg.Kafka.ExactlyOnce = true
	if tx, err := a.transaction([]string{"rekey", "creatives"}, brokers); err != nil || tx != nil {
		t.Fatalf("without the features stage: transaction %v, %v; want none", tx, err)
	}
	tx, err := a.transaction([]string{"rekey", "features"}, brokers)
	if err != nil || tx == nil || tx.ID() != "adshift-features" {
		t.Fatalf("with the features stage: transaction %v, %v; want one with id adshift-features", tx, err)
	}
	t.Setenv(holdTransactionEnv, filepath.Join(t.TempDir(), "missing"))
	if _, err := a.transaction([]string{"features"}, brokers); err == nil || !strings.Contains(err.Error(), holdTransactionEnv) {
		t.Errorf("%s naming no directory: %v, want an error naming it", holdTransactionEnv, err)
	}
}
