package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
)

const taobaoFile = "../../../shared/data/taobao/UserBehavior_first815users.csv"

// lateEvents is how many clickstream records the features stage dead-lettered as late_event.
func lateEvents(t *testing.T, a *app) float64 {
	t.Helper()
	mfs, err := a.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "adshift_features_failures_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == string(schemas.LateEvent) {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// The shipped Taobao sample is sorted by user. Replayed as the README says, it reaches the
// features stage in event time: under 1% of it is dead-lettered as late_event (in file order,
// 98.5% was), and replay says that it sorted.
func TestReplayTaobaoInEventTime(t *testing.T) {
	a := testApp(t)
	onEmbeddedBroker(t, a)
	stop := startRun(t, a, []string{rekey.Name, "features"})
	defer stop()

	var out, errOut bytes.Buffer
	if err := a.replay(t.Context(), "taobao", taobaoFile, mustSpeed(t, "max"), &out, &errOut); err != nil {
		t.Fatalf("replay: %v\n%s", err, errOut.String())
	}
	var sent int
	if _, err := fmt.Sscanf(out.String(), "replayed %d events", &sent); err != nil || sent < 80000 {
		t.Fatalf("replay summary %q: want over 80000 events replayed", out.String())
	}
	if !strings.Contains(errOut.String(), "not in event-time order; sorted its") {
		t.Errorf("replay did not say it sorted the file: %q", errOut.String())
	}
	waitFor(t, "the features stage to process every replayed event", 120*time.Second, func() bool {
		return recordsProcessed(t, a, "features") >= float64(sent)
	})
	t.Logf("%d events replayed, %.0f processed, %.0f late", sent, recordsProcessed(t, a, "features"), lateEvents(t, a))
	if late := lateEvents(t, a); late >= 0.01*float64(sent) {
		t.Errorf("%.0f of %d events dead-lettered as late_event, want under 1%%", late, sent)
	}
}

// A replay whose rows all fail to map (the wrong --format) exits with the reason, before it needs
// a broker.
func TestReplayWrongFormatFails(t *testing.T) {
	a := testApp(t)
	var out, errOut bytes.Buffer
	err := a.replay(t.Context(), "taobao", "../../data/sample/rees46-sample.csv", mustSpeed(t, "max"), &out, &errOut)
	if err == nil {
		t.Fatalf("replay of a REES46 file as taobao succeeded: %s", out.String())
	}
	for _, want := range []string{"no row of", "could be read as taobao", "wrong_column_count=", "--format"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// Without a terminal, a replay at any speed still says how far it is, in events and event time.
func TestReplayProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := newReplayProgress("taobao", 200, &buf)
	p.every = 0
	p.add(100, time.Date(2017, 11, 25, 14, 0, 0, 0, time.UTC))
	for _, want := range []string{"replay taobao: 100 of 200 events (50%)", "event time 2017-11-25T14:00:00Z"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("progress %q does not say %q", buf.String(), want)
		}
	}
}
