package features

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/schemas"
)

// trainOn trains an interest model on the events of values, as `adshift train` does.
func trainOn(t testing.TB, values [][]byte) *interest.Model {
	t.Helper()
	tr, err := interest.NewTrainer(interest.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	in := NewInterest()
	for _, v := range values {
		ev, err := schemas.DecodeEvent(v, schemas.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if c := in.Category(&ev); c != "" {
			tr.Add(ev.User(), c, ev.Timestamp)
		}
	}
	return tr.Model()
}

// With a model, every shift names it and carries its predictions, best first, as probabilities.
func TestModelShifts(t *testing.T) {
	values, _ := readRees46(t, 17434)
	m := trainOn(t, values[:8000])
	h := newHarness(t, DefaultConfig(), WithModel(m))
	h.process(values...)
	shifts := h.out.shifts(t)
	reasons := map[string]int{}
	for _, sh := range shifts {
		reasons[sh.Reason]++
		if sh.InterestModel != m.Version() {
			t.Fatalf("shift of %s names model %q, want %q", sh.User, sh.InterestModel, m.Version())
		}
		if n := len(sh.Predicted); n == 0 || n > DefaultConfig().TopK {
			t.Fatalf("shift of %s has %d predictions", sh.User, n)
		}
		sum := 0.0
		for i, p := range sh.Predicted {
			if !(p.Weight > 0 && p.Weight <= 1) || i > 0 && p.Weight > sh.Predicted[i-1].Weight {
				t.Fatalf("shift of %s: predictions %+v are not descending probabilities", sh.User, sh.Predicted)
			}
			sum += p.Weight
		}
		if sum > 1+1e-9 {
			t.Fatalf("shift of %s: predictions sum to %v", sh.User, sum)
		}
	}
	if reasons[schemas.ReasonNewInterest] == 0 || reasons[schemas.ReasonFirstProfile] == 0 {
		t.Fatalf("shifts by reason %v: want first profiles and new interests", reasons)
	}

	// Without the model the same events give shifts without either field.
	plain := newHarness(t, DefaultConfig())
	plain.process(values...)
	for _, sh := range plain.out.shifts(t) {
		if sh.InterestModel != "" || sh.Predicted != nil {
			t.Fatalf("a shift without a model carries %q %v", sh.InterestModel, sh.Predicted)
		}
	}
}

// A replay of the same input through a fresh stage with the same model gives the same shifts,
// byte for byte.
func TestModelShiftsReplay(t *testing.T) {
	values, _ := readRees46(t, 4000)
	m := trainOn(t, values[:2000])
	var runs [2][][]byte
	for i := range runs {
		h := newHarness(t, DefaultConfig(), WithModel(m))
		for b := 0; b < len(values); b += 300 + 200*i { // other batch sizes each time
			h.process(values[b:min(b+300+200*i, len(values))]...)
		}
		for _, r := range h.out.records() {
			if r.Topic == "adshift.shifts" {
				runs[i] = append(runs[i], r.Value)
			}
		}
	}
	if len(runs[0]) == 0 || !slices.EqualFunc(runs[0], runs[1], bytes.Equal) {
		t.Fatalf("replays gave %d and %d shifts, or different ones", len(runs[0]), len(runs[1]))
	}
}

// A shopper on a category the model never saw still gets it predicted, from their own events.
func TestModelUnknownCategory(t *testing.T) {
	values, _ := readRees46(t, 3000)
	m := trainOn(t, values)
	h := newHarness(t, DefaultConfig(), WithModel(m))
	at := time.Date(2019, 10, 1, 12, 0, 0, 0, time.UTC)
	var news [][]byte
	for i := range 5 {
		news = append(news, trackEvent(t, "newcomer", fmt.Sprintf("m%d", i), "kitchen.never.seen", at.Add(time.Duration(i)*time.Minute)))
	}
	h.process(news...)
	shifts := h.out.shifts(t)
	if len(shifts) == 0 || shifts[0].Predicted[0].Name != "kitchen.never.seen" {
		t.Fatalf("shifts %+v: want the unseen category predicted first", shifts)
	}
}

// The interest state goes through the changelog by category name: restored into a stage with
// the same model it encodes to the same bytes; into one with another model it keeps the
// categories; and a value written before profiles had a state reads with an empty one.
func TestModelStateRestore(t *testing.T) {
	values, _ := readRees46(t, 4000)
	m := trainOn(t, values[:2000])
	other := trainOn(t, values[2000:])
	h := newHarness(t, DefaultConfig(), WithModel(m))
	h.process(values...)
	p := h.proc.(*processor)
	checked := 0
	for user, prof := range p.profiles {
		if prof.state == 0 {
			continue
		}
		checked++
		enc := appendProfile(nil, prof, &p.names, p.predictor)
		// A predictor maps one names table: each decode below gets its own pair, as a partition does.
		n1, same := newNames(), newPredictor(m)
		dec, err := decodeProfile(enc, &n1, same)
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		if again := appendProfile(nil, dec, &n1, same); !bytes.Equal(again, enc) {
			t.Fatalf("%s: re-encoded profile differs", user)
		}
		n2, moved := newNames(), newPredictor(other)
		dec2, err := decodeProfile(enc, &n2, moved)
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		if got, want := stateNames(dec2, &n2, moved), stateNames(prof, &p.names, p.predictor); !slices.Equal(got, want) {
			t.Fatalf("%s: state %v under another model, want %v", user, got, want)
		}
		if enc[len(enc)-1] == 0 {
			t.Fatalf("%s: a profile with a state encoded an empty one", user)
		}
	}
	if checked < 100 {
		t.Fatalf("only %d profiles with a state", checked)
	}
	// A value of version 'P', from before: no settled flag, no state. Of the sample with no
	// reference mix, the current encoding ends in the settled flag, the mix's length 0 and
	// the state's length 0; the old one in the mix's length alone.
	n := newNames()
	prof := sampleProfile(&n)
	prof.shift.N = 0
	enc := appendProfile(nil, prof, &n, nil)
	old := append(append([]byte{profileV1}, enc[1:len(enc)-3]...), 0)
	dec, err := decodeProfile(old, &n, newPredictor(m))
	if err != nil {
		t.Fatalf("a value of version P: %v", err)
	}
	if dec.state != 0 || !bytes.Equal(appendProfile(nil, dec, &n, nil), enc) {
		t.Fatalf("a value of version P read as another profile (state slot %d)", dec.state)
	}
}

// stateNames are the categories of prof's interest state, latest first.
func stateNames(prof *profile, n *names, pr *predictor) []string {
	var out []string
	st := pr.peek(prof)
	for i := range st.Len() {
		id, _, _ := st.Entry(i)
		out = append(out, n.name(pr.nameID(n, id)))
	}
	return out
}

// trackEvent is one Product Viewed call of user in category at t.
func trackEvent(t *testing.T, user, id, category string, at time.Time) []byte {
	t.Helper()
	b, err := json.Marshal(schemas.Event{
		Type: schemas.TypeTrack, Event: schemas.ProductViewed, UserID: user, MessageID: id, Timestamp: at,
		Properties: schemas.Properties{ProductID: "p-" + id, Category: category, Price: 10, Currency: "USD"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A profile that goes gives its state slot back, emptied, and the next shopper takes it: the
// slab grows with the shoppers held, not with every shopper ever seen.
func TestModelStateSlots(t *testing.T) {
	values, _ := readRees46(t, 1000)
	pr := newPredictor(trainOn(t, values))
	a, b, c := new(profile), new(profile), new(profile)
	pr.state(a).Observe(1, 0.5)
	pr.state(b).Observe(2, 0.5)
	if a.state == b.state || pr.peek(c).Len() != 0 || c.state != 0 {
		t.Fatalf("slots a=%d b=%d; peek gave c slot %d", a.state, b.state, c.state)
	}
	slot := a.state
	pr.release(a)
	if a.state != 0 {
		t.Fatalf("released profile still holds slot %d", a.state)
	}
	if st := pr.state(c); c.state != slot || st.Len() != 0 {
		t.Fatalf("the next shopper got slot %d (want %d) holding %d categories", c.state, slot, st.Len())
	}
	if id, _ := pr.state(b).Last(); id != 2 {
		t.Fatalf("b's state changed: last %d", id)
	}
	if pr.used != 2 {
		t.Fatalf("%d slots used for 2 shoppers", pr.used)
	}
}
