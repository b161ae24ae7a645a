package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/profileeval"
)

func runProfileEval(t *testing.T, a *app, args ...string) (string, error) {
	t.Helper()
	cmd := newProfileEvalCmd(a)
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return out.String(), err
}

// --train-share trains the interest model on the first share and scores it on the rest only:
// the model it scored is the one `adshift train --until` the guard's time writes. --model scores
// such a file; a damaged one is a clear error.
func TestProfileEvalScoresTheInterestModel(t *testing.T) {
	a := &app{cfg: config.Default()}
	out, err := runProfileEval(t, a, "--format", "rees46", "--file", rees46File, "--train-share", "0.7", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r profileeval.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if _, ok := r.Tasks["next_category"].Predictors["model"]; !ok || r.Data.ModelVersion == "" || r.Data.ScoredAfter == nil {
		t.Fatalf("the trained model is not scored: version %q, scored after %v, predictors %v",
			r.Data.ModelVersion, r.Data.ScoredAfter, r.Tasks["next_category"].Predictors)
	}

	path := filepath.Join(t.TempDir(), "rees46.model")
	var stdout, stderr bytes.Buffer
	if err := runTrain(t.Context(), a.cfg.Features, trainOptions{format: "rees46", file: rees46File, out: path, until: *r.Data.ScoredAfter}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	m, err := readInterest(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version() != r.Data.ModelVersion {
		t.Errorf("profile-eval scored model %s; trained up to its guard %v, the model is %s",
			r.Data.ModelVersion, r.Data.ScoredAfter, m.Version())
	}

	page := filepath.Join(t.TempDir(), "eval.html")
	text, err := runProfileEval(t, a, "--format", "rees46", "--file", rees46File, "--model", path, "--html", page)
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("--html: %v", err)
	}
	for _, want := range []string{"<svg ", "model − best baseline", "shift − best timer", m.Version()} {
		if !strings.Contains(string(html), want) {
			t.Errorf("--html page lacks %q", want)
		}
	}
	for _, want := range []string{"next_category:", "next_new_category:", "next_purchase_category:", "model − best baseline",
		"timer_minutes (every ", "coverage", "shift − best timer", m.Version()} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	if _, err := runProfileEval(t, a, "--format", "rees46", "--file", rees46File, "--model", rees46File); !errors.Is(err, interest.ErrFormat) {
		t.Errorf("--model of a file that is no model: %v, want %v", err, interest.ErrFormat)
	}
}
