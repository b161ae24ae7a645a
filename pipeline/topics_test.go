package pipeline

import (
	"strings"
	"testing"
)

// The default names are the ones the README's topic table documents.
func TestDefaultTopicsAreTheDocumentedNames(t *testing.T) {
	want := Topics{
		Clickstream: "clickstream",
		DLQ:         "clickstream.dlq",
		Shifts:      "adshift.shifts",
		Profiles:    "adshift.profiles",
		Ads:         "ads.ready",
		Outcomes:    "ad.outcomes",
		Keyed:       "adshift.clickstream.keyed",
		Identities:  "adshift.identities",
		Control:     "adshift.control",
	}
	if got := DefaultTopics(); got != want {
		t.Errorf("DefaultTopics() = %+v, want %+v", got, want)
	}
	if err := DefaultTopics().Validate(); err != nil {
		t.Errorf("the default topics do not validate: %v", err)
	}
}

// Validate names every topic without a name and every shared name, each by its key, and stops
// at none of them.
func TestTopicsValidate(t *testing.T) {
	f := func(name string, edit func(*Topics), want ...string) {
		t.Helper()
		ts := DefaultTopics()
		edit(&ts)
		err := ts.Validate()
		if err == nil {
			t.Fatalf("%s: no error, want %q", name, want)
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != len(want) {
			t.Fatalf("%s: %d errors %q, want %d", name, len(lines), lines, len(want))
		}
		for i, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("%s: error %d is %q, want it to name %q", name, i, lines[i], w)
			}
		}
	}
	f("first empty", func(ts *Topics) { ts.Clickstream = "" }, "clickstream.name: must not be empty")
	f("last empty", func(ts *Topics) { ts.Identities = "" }, "identities.name: must not be empty")
	f("two empty", func(ts *Topics) { ts.DLQ, ts.Outcomes = "", "" },
		"dlq.name: must not be empty", "outcomes.name: must not be empty")
	f("shared", func(ts *Topics) { ts.Profiles = ts.Shifts },
		`profiles.name: "adshift.shifts" is also shifts.name`)
	f("shared by the last", func(ts *Topics) { ts.Identities = ts.Keyed },
		`identities.name: "adshift.clickstream.keyed" is also keyed.name`)
	f("shared three ways", func(ts *Topics) { ts.Ads, ts.Outcomes = ts.DLQ, ts.DLQ },
		`ads.name: "clickstream.dlq" is also dlq.name`, `outcomes.name: "clickstream.dlq" is also `)
	// Empty names are not shared names: two topics left empty give two "empty" errors only.
	f("empty twice", func(ts *Topics) { ts.Shifts, ts.Ads = "", "" },
		"shifts.name: must not be empty", "ads.name: must not be empty")
}
