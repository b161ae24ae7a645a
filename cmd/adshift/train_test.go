package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/interest"
)

// train on the REES46 sample up to 00:10 UTC writes a model and its card that agree, and no
// later event.
func TestTrainWritesModelAndCard(t *testing.T) {
	until := time.Date(2019, 10, 1, 0, 10, 0, 0, time.UTC)
	out := filepath.Join(t.TempDir(), "rees46.model")
	var stdout, stderr bytes.Buffer
	if err := runTrain(t.Context(), trainOptions{format: "rees46", file: rees46File, out: out, until: until}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := interest.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	card := readCard(t, out+".card.json")
	if card.Version != m.Version() || card.Events != m.Card().Events || card.Categories != m.Card().Categories {
		t.Errorf("card %+v for a model of version %s, %d events", card, m.Version(), m.Card().Events)
	}
	if card.Events < 100 || card.Until.After(until) || !card.Until.After(until.Add(-time.Minute)) {
		t.Errorf("trained on %d events from %v until %v, want a hundred or more until %v", card.Events, card.From, card.Until, until)
	}
	if card.TrainedIn <= 0 || card.EventsPerSecond <= 0 {
		t.Errorf("card without training time: %v, %v events/s", card.TrainedIn, card.EventsPerSecond)
	}
	if line := stdout.String(); strings.Count(line, "\n") != 1 || !strings.Contains(line, m.Version()) {
		t.Errorf("summary %q lacks the version %s", line, m.Version())
	}
	if got := m.Rank(nil, 3, nil); len(got) != 3 {
		t.Errorf("a cold shopper ranks %v", got)
	}

	// Without --until, the whole night.
	if err := runTrain(t.Context(), trainOptions{format: "rees46", file: rees46File, out: out}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	all := readCard(t, out+".card.json")
	if all.Events <= card.Events || !all.Until.After(until) || all.Version == card.Version {
		t.Errorf("the whole file: %d events until %v, version %s; up to %v: %d events, version %s",
			all.Events, all.Until, all.Version, until, card.Events, card.Version)
	}
}

// readCard reads a model card file.
func readCard(t *testing.T, path string) interest.Card {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var card interest.Card
	if err := json.Unmarshal(raw, &card); err != nil {
		t.Fatal(err)
	}
	return card
}

func TestTrainRejectsAnUnknownFormat(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.model")
	err := runTrain(t.Context(), trainOptions{format: "nope", file: rees46File, out: out}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil {
		t.Fatal("trained on an unknown format")
	}
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Errorf("a model file was written after %v", err)
	}
}
