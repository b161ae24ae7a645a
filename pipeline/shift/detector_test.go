package shift

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// step is one interest event: its minute, the mix then, and whether it was a first cart add.
type step struct {
	min    int64
	mix    []Entry
	cart   bool
	repeat bool
}

var (
	a  = []Entry{{1, 1}}
	b  = []Entry{{2, 1}}
	ab = []Entry{{1, 1}, {2, 1.2}} // b leads, at distance 0.56 from a alone
	c  = []Entry{{3, 1}}
)

func run(t *testing.T, cfg Config, steps []step) []Reason {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var st State
	var got []Reason
	for i, s := range steps {
		ev := Event{Now: s.min * 60_000, Events: i + 1, Current: s.mix, NewCart: s.cart, Repeat: s.repeat}
		reads := d.Reads(&st, ev)
		// Check must decide the same without the mix whenever Reads says it will not read it.
		blind := ev
		blind.Current = []Entry{{ID: 99, W: 1}}
		before := st
		rb, _ := d.Check(&before, blind)
		if r, _ := d.Check(&st, ev); r != None {
			d.Commit(&st, r, ev)
			got = append(got, r)
			if int(st.Version) != len(got) {
				t.Fatalf("version %d after %d shifts", st.Version, len(got))
			}
		}
		if !reads && (rb != None || before != st) {
			t.Fatalf("step %d: Reads said the mix is not read, yet it changed the outcome", i)
		}
	}
	return got
}

// repeats are steps on mix marked Repeat.
func repeats(mix []Entry, minutes ...int64) []step {
	out := at(mix, minutes...)
	for i := range out {
		out[i].repeat = true
	}
	return out
}

func at(mix []Entry, minutes ...int64) []step {
	out := make([]step, len(minutes))
	for i, m := range minutes {
		out[i] = step{min: m, mix: mix}
	}
	return out
}

func TestRules(t *testing.T) {
	tests := []struct {
		name  string
		cfg   func(*Config)
		steps []step
		want  []Reason
	}{
		{"fewer than min_events: nothing", nil, at(a, 0, 1), nil},
		{"min_events: first profile, once", nil, at(a, 0, 1, 2, 3, 4), []Reason{FirstProfile}},
		{"a cart add escalates inside the cooldown", nil,
			append(at(a, 0, 1, 2), step{min: 3, mix: a, cart: true}), []Reason{FirstProfile, IntentEscalation}},
		{"new interest needs min_evidence events in a row", nil,
			slices.Concat(at(a, 0, 1, 2), at(b, 20, 21)), []Reason{FirstProfile}},
		{"new interest after min_evidence", nil,
			slices.Concat(at(a, 0, 1, 2), at(b, 20, 21, 22)), []Reason{FirstProfile, NewInterest}},
		{"evidence waits for the cooldown", nil,
			slices.Concat(at(a, 0, 1, 2), at(b, 5, 6, 7, 8, 9)), []Reason{FirstProfile}},
		{"the cooldown counts from the last shift's time, not from time zero", nil,
			slices.Concat(at(a, 1000, 1001, 1002), at(b, 1005, 1006, 1007)), []Reason{FirstProfile}},
		{"the cooldown is configurable", func(c *Config) { c.Cooldown = time.Minute },
			slices.Concat(at(a, 0, 1, 2), at(b, 5, 6, 7)), []Reason{FirstProfile, NewInterest}},
		{"a glance back resets the evidence", nil,
			slices.Concat(at(a, 0, 1, 2), at(b, 20, 21), at(a, 22), at(b, 23, 24)), []Reason{FirstProfile}},
		{"a new leader starts the evidence over", nil,
			slices.Concat(at(a, 0, 1, 2), at(b, 20, 21), at(c, 22, 23)), []Reason{FirstProfile}},
		{"inside the hysteresis band evidence is kept", func(c *Config) { c.Threshold = 0.6; c.Hysteresis = 0.1 },
			slices.Concat(at(a, 0, 1, 2), at(b, 20), at(ab, 21), at(b, 22)), []Reason{FirstProfile, NewInterest}},
		{"without hysteresis the same wobble resets it", func(c *Config) { c.Threshold = 0.6; c.Hysteresis = 0 },
			slices.Concat(at(a, 0, 1, 2), at(b, 20), at(ab, 21), at(b, 22)), []Reason{FirstProfile}},
		{"a repeat is not read once a reading found no evidence", nil,
			slices.Concat(at(a, 0, 1, 2), at(a, 20), repeats(b, 21, 22, 23)), []Reason{FirstProfile}},
		{"a repeat is read while no reading found the vector settled", nil,
			slices.Concat(at(a, 0, 1, 2), repeats(b, 20, 21, 22)), []Reason{FirstProfile, NewInterest}},
		{"repeats inside the cooldown leave it unsettled", nil,
			slices.Concat(at(a, 0, 1, 2), at(b, 3), repeats(b, 4, 5, 20, 21, 22)), []Reason{FirstProfile, NewInterest}},
		{"a move after settling is read again", nil,
			slices.Concat(at(a, 0, 1, 2), at(a, 20), at(b, 21), repeats(b, 22, 23)), []Reason{FirstProfile, NewInterest}},
		{"evidence goes on through repeats once started", nil,
			slices.Concat(at(a, 0, 1, 2), at(b, 20), repeats(b, 21, 22)), []Reason{FirstProfile, NewInterest}},
		{"a repeat still counts towards the first profile", nil,
			slices.Concat(at(a, 0), repeats(a, 1, 2)), []Reason{FirstProfile}},
		{"a repeat cart add still escalates", nil,
			slices.Concat(at(a, 0, 1, 2), []step{{min: 3, mix: a, cart: true, repeat: true}}), []Reason{FirstProfile, IntentEscalation}},
		{"the daily cap stops further shifts that day", func(c *Config) { c.DailyCap = 1 },
			slices.Concat(at(a, 0, 1, 2), []step{{min: 3, mix: a, cart: true}, {min: 4, mix: b, cart: true}}),
			[]Reason{FirstProfile, IntentEscalation}},
		{"the cap starts over the next day", func(c *Config) { c.DailyCap = 1 },
			slices.Concat(at(a, 0, 1, 2), []step{{min: 3, mix: a, cart: true}, {min: 24 * 60, mix: b, cart: true}}),
			[]Reason{FirstProfile, IntentEscalation, IntentEscalation}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Threshold, cfg.MinEvidence = 0.5, 3
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if got := run(t, cfg, tc.steps); !slices.Equal(got, tc.want) {
				t.Errorf("shifts = %v, want %v", got, tc.want)
			}
		})
	}
}

// After a shift the new mix is the reference: staying with it fires nothing more.
func TestCommitKeepsTheNewReference(t *testing.T) {
	cfg := DefaultConfig()
	got := run(t, cfg, slices.Concat(at(a, 0, 1, 2), at(b, 20, 21, 22), at(b, 40, 41, 42, 43)))
	if want := []Reason{FirstProfile, NewInterest}; !slices.Equal(got, want) {
		t.Errorf("shifts = %v, want %v", got, want)
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	f := func(mutate func(*Config), key string) {
		t.Helper()
		cfg := DefaultConfig()
		mutate(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("Validate() = %v, want an error naming %s", err, key)
		}
		if _, err := New(cfg); err == nil {
			t.Errorf("New accepted a config with a bad %s", key)
		}
	}
	f(func(c *Config) { c.MinEvents = 0 }, "min_events")
	f(func(c *Config) { c.Threshold = 1.5 }, "threshold")
	f(func(c *Config) { c.Hysteresis = c.Threshold }, "hysteresis")
	f(func(c *Config) { c.MinEvidence = 0 }, "min_evidence")
	f(func(c *Config) { c.Cooldown = -time.Second }, "cooldown")
	f(func(c *Config) { c.DailyCap = 0 }, "daily_cap")
}

func TestReasonNames(t *testing.T) {
	for r, want := range map[Reason]string{None: "", FirstProfile: "first_profile", IntentEscalation: "intent_escalation", NewInterest: "new_interest"} {
		if r.String() != want {
			t.Errorf("%d.String() = %q, want %q", r, r.String(), want)
		}
	}
}
