package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// replayProgress shows a replay's progress on stderr at every speed: a bar on a terminal, else a
// line every replayLineEvery, so a paced replay that runs for hours is never silent.
type replayProgress struct {
	what  string
	total int // records to send; -1 when not known
	bar   *progressbar.ProgressBar
	w     io.Writer // where lines go when there is no bar
	every time.Duration

	sent      int
	at        time.Time // the event time of the last record sent
	lastLine  time.Time
	startedAt time.Time
}

// replayLineEvery is how often a replay without a terminal writes a progress line.
const replayLineEvery = 10 * time.Second

// newReplayProgress shows progress on stderr: a bar when it is a terminal, lines otherwise.
func newReplayProgress(what string, total int, stderr io.Writer) *replayProgress {
	p := &replayProgress{what: what, total: total, w: stderr, every: replayLineEvery, startedAt: time.Now()}
	p.lastLine = p.startedAt
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(int64(total),
			progressbar.OptionSetDescription("replay "+what),
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("events"),
			progressbar.OptionThrottle(200*time.Millisecond),
		)
	}
	return p
}

// add records n more records sent, the last of them at event time at.
func (p *replayProgress) add(n int, at time.Time) {
	p.sent += n
	p.at = at
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("replay %s, event time %s", p.what, at.UTC().Format(time.DateTime)))
		_ = p.bar.Add(n)
		return
	}
	if now := time.Now(); now.Sub(p.lastLine) >= p.every {
		p.lastLine = now
		fmt.Fprintf(p.w, "replay %s: %s, event time %s, %s elapsed\n",
			p.what, p.count(), at.UTC().Format(time.RFC3339), now.Sub(p.startedAt).Round(time.Second))
	}
}

// count is "1200 of 84475 events (1%)", or "1200 events" when the total is not known.
func (p *replayProgress) count() string {
	if p.total <= 0 {
		return fmt.Sprintf("%d events", p.sent)
	}
	return fmt.Sprintf("%d of %d events (%d%%)", p.sent, p.total, p.sent*100/p.total)
}

// finish clears the bar, if any.
func (p *replayProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
