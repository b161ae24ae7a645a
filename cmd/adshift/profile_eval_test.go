package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline/profileeval"
	"github.com/adshift/adshift/schemas"
)

// lastSeen is a stand-in interest model: the shopper's latest category.
type lastSeen struct{}

func (lastSeen) Rank(recent []string, k int, exclude func(string) bool) []profileeval.Scored {
	if c := recent[len(recent)-1]; k > 0 && !exclude(c) {
		return []profileeval.Scored{{Category: c, Score: 1}}
	}
	return nil
}

func runProfileEval(t *testing.T, a *app, args ...string) (string, error) {
	t.Helper()
	cmd := newProfileEvalCmd(a)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

func TestProfileEvalModelHooks(t *testing.T) {
	a := &app{cfg: config.Default()}
	if _, err := runProfileEval(t, a, "--format", "rees46", "--file", rees46File, "--model", "m.bin"); !errors.Is(err, errNoModelLoader) {
		t.Fatalf("--model with no loader wired: %v, want %v", err, errNoModelLoader)
	}

	var trained int
	a.interest.train = func(events []schemas.Event) (profileeval.Model, error) {
		trained = len(events)
		return profileeval.Model{Ranker: lastSeen{}, Until: events[len(events)-1].Timestamp, Version: "last-seen"}, nil
	}
	out, err := runProfileEval(t, a, "--format", "rees46", "--file", rees46File, "--train-share", "0.7", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r profileeval.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if trained == 0 || trained >= r.Data.Events {
		t.Errorf("trained on %d of %d events, want the first share", trained, r.Data.Events)
	}
	if _, ok := r.Tasks["next_category"].Predictors["model"]; !ok || r.Data.ModelVersion != "last-seen" {
		t.Errorf("the trained model is not scored: version %q, predictors %v", r.Data.ModelVersion, r.Tasks["next_category"].Predictors)
	}

	a.interest.load = func(string) (profileeval.Model, error) {
		return profileeval.Model{Ranker: lastSeen{}, Version: "loaded"}, nil
	}
	text, err := runProfileEval(t, a, "--format", "rees46", "--file", rees46File, "--model", "m.bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"next_category:", "next_new_category:", "model − best baseline", "timer_events (every"} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
}
