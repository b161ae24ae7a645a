package profileeval

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	r := repeaterReport(t)
	r.Data.DeadLetters = map[string]int{"malformed_json": 2}
	var b bytes.Buffer
	if err := WriteText(&b, "rees46", "events.csv", r); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	tr := r.Triggers
	for _, want := range []string{
		"profile-eval rees46 events.csv\n",
		" (train share 0.7, model repeater-1)\n",
		"dead letters: malformed_json=2\n",
		"model − best baseline",
		"timer_events (" + tr.TimerEvents.timerName() + ")",
		"timer_minutes (" + tr.TimerMinutes.timerName() + ")",
		"\nshift precision by reason",
		fmt.Sprintf("(%d shifts over %d shopper-days)", tr.Shift.Ads, r.Data.UserDays),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if len(r.Tasks) == 0 || len(tr.Shift.ByReason) == 0 {
		t.Fatalf("nothing to show: %+v", r)
	}
	// Columns are two spaces apart: the widest cell of the first column is followed by two.
	if !regexp.MustCompile(`(?m)^model − best baseline  \S`).MatchString(text) {
		t.Errorf("columns not two spaces apart:\n%s", text)
	}
}
