package dataset

import (
	"context"
	"reflect"
	"testing"
	"testing/synctest"
	"time"
)

var t0 = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

// step is one event handed to the pacer: its event time and the wall time it is handed over,
// both as offsets from the start.
type step struct {
	event, wall time.Duration
}

func TestPacerDelay(t *testing.T) {
	f := func(speed string, maxGap time.Duration, steps []step, want []time.Duration) {
		t.Helper()
		s, err := ParseSpeed(speed)
		if err != nil {
			t.Fatal(err)
		}
		p := NewPacer(s, maxGap)
		wall := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		var got []time.Duration
		for _, st := range steps {
			got = append(got, p.Delay(wall.Add(st.wall), t0.Add(st.event)))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("speed %s, max gap %v: delays %v, want %v", speed, maxGap, got, want)
		}
	}
	sec := time.Second
	ms := time.Millisecond

	// As fast as possible never waits.
	f("max", 0, []step{{0, 0}, {10 * sec, 0}, {time.Hour, 0}}, []time.Duration{0, 0, 0})
	// Real time: the event-time gaps, less the wall time already spent.
	f("1x", 0, []step{{0, 0}, {2 * sec, 0}, {3 * sec, 2 * sec}, {3 * sec, 3 * sec}},
		[]time.Duration{0, 2 * sec, sec, 0})
	// 100x divides the gaps; the schedule is anchored, so time spent producing is not added.
	f("100x", 0, []step{{0, 0}, {100 * sec, 300 * ms}, {200 * sec, 2 * sec}},
		[]time.Duration{0, 700 * ms, 0})
	// A gap longer than the cap (a tracking outage of 1 h 50 min) waits only the cap, and the
	// events after it keep their spacing.
	f("1x", 5*sec, []step{{0, 0}, {time.Hour + 50*time.Minute, 0}, {time.Hour + 50*time.Minute + sec, 5 * sec}},
		[]time.Duration{0, 5 * sec, sec})
	f("10x", 500*ms, []step{{0, 0}, {10 * sec, 0}, {11 * sec, 500 * ms}, {12 * sec, 650 * ms}},
		[]time.Duration{0, 500 * ms, 100 * ms, 50 * ms})
	// An event older than the newest goes at once and does not move the schedule back.
	f("1x", 0, []step{{10 * sec, 0}, {5 * sec, 0}, {11 * sec, 0}}, []time.Duration{0, 0, sec})
	// Behind by more than the cap (a stalled producer), the schedule restarts instead of bursting.
	f("1x", 5*sec, []step{{0, 0}, {sec, 60 * sec}, {2 * sec, 60 * sec}}, []time.Duration{0, 0, sec})
}

func TestPacerWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		p := NewPacer(Speed{Factor: 60}, 0)
		start := time.Now()
		for _, ev := range []time.Duration{0, time.Minute, 2 * time.Minute, 3 * time.Hour} {
			if err := p.Wait(ctx, t0.Add(ev)); err != nil {
				t.Fatal(err)
			}
		}
		// One second per event-time minute, and the three-hour gap cut to the default five seconds.
		if got, want := time.Since(start), 2*time.Second+DefaultMaxGap; got != want {
			t.Errorf("replay took %v, want %v", got, want)
		}
	})
}

func TestPacerWaitStopsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		p := NewPacer(Speed{Factor: 1}, time.Hour)
		if err := p.Wait(ctx, t0); err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(time.Minute)
			cancel()
		}()
		start := time.Now()
		if err := p.Wait(ctx, t0.Add(30*time.Minute)); err != context.Canceled {
			t.Errorf("Wait = %v, want context.Canceled", err)
		}
		if got := time.Since(start); got != time.Minute {
			t.Errorf("Wait returned after %v, want as soon as the context was cancelled (1m)", got)
		}
	})
}
