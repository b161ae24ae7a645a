package features

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// rees46 is a night of real shop traffic (REES46 Open CDP, via Kaggle's "eCommerce behavior data
// from multi category store"); see /work/shared/data/README.md.
const rees46 = "../../../shared/data/rees46/2019-Oct_head17434.csv"

// rees46Row is the part of a REES46 row the tests look at.
type rees46Row struct {
	user string
	kind string // view, cart, purchase
	at   time.Time
}

// readRees46 returns up to n rows of the REES46 sample as Segment track calls, and the rows.
func readRees46(tb testing.TB, n int) ([][]byte, []rees46Row) {
	tb.Helper()
	f, err := os.Open(rees46)
	if err != nil {
		tb.Fatalf("open real data: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // header
		tb.Fatalf("read header: %v", err)
	}
	var values [][]byte
	var rows []rees46Row
	for len(values) < n {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("read row %d: %v", len(values)+2, err)
		}
		// event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
		at, err := time.Parse("2006-01-02 15:04:05 MST", rec[0])
		if err != nil {
			tb.Fatalf("row %d: %v", len(values)+2, err)
		}
		price, _ := strconv.ParseFloat(rec[6], 64)
		product := schemas.LineItem{ProductID: rec[2], Category: rec[4], Brand: rec[5], Price: price, Quantity: 1}
		ev := schemas.Event{
			Type:      "track",
			UserID:    rec[7],
			MessageID: "rees46-" + strconv.Itoa(len(values)+2),
			Timestamp: at,
		}
		switch rec[1] {
		case "view", "cart":
			ev.Event = schemas.ProductViewed
			if rec[1] == "cart" {
				ev.Event = schemas.ProductAdded
			}
			ev.Properties = schemas.Properties{
				ProductID: product.ProductID, Category: product.Category, Brand: product.Brand,
				Price: price, Currency: "USD", Quantity: 1,
			}
		case "purchase":
			ev.Event = schemas.OrderCompleted
			ev.Properties = schemas.Properties{
				OrderID: rec[8] + "/" + rec[2], Revenue: price, Currency: "USD",
				Products: []schemas.LineItem{product},
			}
		default:
			tb.Fatalf("row %d: unknown event type %q", len(values)+2, rec[1])
		}
		b, err := json.Marshal(ev)
		if err != nil {
			tb.Fatal(err)
		}
		values = append(values, b)
		rows = append(rows, rees46Row{user: rec[7], kind: rec[1], at: at})
	}
	return values, rows
}

// replay runs values through one partition of a fresh stage in batches of 500 and returns what
// it emitted.
func replay(t *testing.T, values [][]byte) []pipeline.Record {
	t.Helper()
	h := newHarness(t, DefaultConfig())
	for chunk := range slices.Chunk(values, 500) {
		h.process(chunk...)
	}
	return h.out.records()
}

// Replaying real traffic gives the same shifts every time, and every shopper's shifts follow
// the rules: one first profile for each shopper with enough events, consecutive versions, and no
// more shifts than cart adds and cooldowns allow.
func TestReplayRees46(t *testing.T) {
	t.Run("first 5000 rows", func(t *testing.T) {
		// Two and a half hours with a tracking gap: few shoppers stay long enough for new interest.
		testReplay(t, 5000, first, escalate)
	})
	t.Run("all rows", func(t *testing.T) {
		testReplay(t, math.MaxInt, first, escalate, newInt)
	})
}

func testReplay(t *testing.T, n int, wantReasons ...string) {
	values, rows := readRees46(t, n)
	out := replay(t, values)
	again := replay(t, values)
	if !slices.EqualFunc(out, again, func(a, b pipeline.Record) bool {
		return a.Topic == b.Topic && bytes.Equal(a.Key, b.Key) && bytes.Equal(a.Value, b.Value) && a.Timestamp.Equal(b.Timestamp)
	}) {
		t.Fatalf("two replays differ: %d and %d records", len(out), len(again))
	}

	type user struct {
		events, carts int
		from, to      time.Time
	}
	users := map[string]*user{}
	for _, r := range rows {
		u := users[r.user]
		if u == nil {
			u = &user{from: r.at}
			users[r.user] = u
		}
		u.events++
		if r.kind == "cart" {
			u.carts++
		}
		if r.at.Before(u.from) {
			u.from = r.at
		}
		if r.at.After(u.to) {
			u.to = r.at
		}
	}

	cfg := DefaultConfig()
	h := &fakeEmitter{Emitter: pipelinetest.Emitter{Calls: [][]pipeline.Record{out}}}
	byUser := map[string][]schemas.Shift{}
	reasons := map[string]int{}
	for _, s := range h.shifts(t) {
		byUser[s.User] = append(byUser[s.User], s)
		reasons[s.Reason]++
		checkSummary(t, s, cfg.TopK)
	}
	for _, r := range out {
		if r.Topic == pipeline.DefaultTopics().DLQ {
			t.Errorf("dead letter %s: real data should all decode", r.Header(schemas.HeaderDetail))
		}
	}
	for id, u := range users {
		shifts := byUser[id]
		if u.events < cfg.Shift.MinEvents {
			if len(shifts) != 0 {
				t.Errorf("user %s with %d events got shifts %+v", id, u.events, shifts)
			}
			continue
		}
		if len(shifts) == 0 || shifts[0].Reason != first {
			t.Errorf("user %s with %d events: first shift is not first_profile: %+v", id, u.events, shifts)
			continue
		}
		bound := 1 + u.carts + int(u.to.Sub(u.from)/cfg.Shift.Cooldown)
		if len(shifts) > bound {
			t.Errorf("user %s: %d shifts from %d events, %d carts over %v; at most %d expected",
				id, len(shifts), u.events, u.carts, u.to.Sub(u.from), bound)
		}
		for i, s := range shifts {
			if s.ProfileVersion != uint64(i+1) || (i > 0 && s.Reason == first) {
				t.Errorf("user %s shift %d: version %d, reason %s", id, i, s.ProfileVersion, s.Reason)
			}
			if i > 0 && s.EventTime.Before(shifts[i-1].EventTime) {
				t.Errorf("user %s: shift %d at %v goes back in time", id, i, s.EventTime)
			}
		}
	}
	t.Logf("%d rows, %d users, %d with shifts; shifts by reason %v", len(rows), len(users), len(byUser), reasons)
	for _, r := range wantReasons {
		if reasons[r] == 0 {
			t.Errorf("no %s shift in real traffic", r)
		}
	}
}

func checkSummary(t *testing.T, s schemas.Shift, topK int) {
	t.Helper()
	for _, ws := range [][]schemas.Weighted{s.Summary.Categories, s.Summary.Brands} {
		if len(ws) > topK {
			t.Errorf("shift %+v lists %d > top_k entries", s, len(ws))
		}
		var sum float64
		for i, w := range ws {
			sum += w.Weight
			if i > 0 && w.Weight > ws[i-1].Weight {
				t.Errorf("shift of %s: summary not heaviest first: %+v", s.User, ws)
			}
		}
		if len(ws) > 0 && math.Abs(sum-1) > 1e-9 {
			t.Errorf("shift of %s: weights sum to %v, want 1: %+v", s.User, sum, ws)
		}
	}
	if !slices.Contains(intentNames[:], s.Summary.IntentStage) {
		t.Errorf("shift of %s: intent stage %q", s.User, s.Summary.IntentStage)
	}
	if b := s.Summary.PriceBand; b.Max > 0 && (b.Currency != "USD" || b.Min >= b.Max || b.Min <= 0) {
		t.Errorf("shift of %s: price band %+v", s.User, b)
	}
	if s.Distance < 0 || s.Distance > 1 {
		t.Errorf("shift of %s: distance %v outside [0, 1]", s.User, s.Distance)
	}
}
