package evaluation

import (
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// When every shopper of each side clicks at their side's rate by the last look, that look has
// no variance on the log scale: the sequence stops at the look before, and the lift says why.
func TestLastLookWithoutVarianceKeepsTheSequenceOfTheLookBefore(t *testing.T) {
	// Hour 0: treatment 1/8 and 2/8, holdout 1/8 and 1/8. Hour 1: the first of each side clicks
	// again (3/8 and 1/8), so every treatment shopper is at 1/4 and every holdout one at 1/8.
	act := func(user, group string, hour time.Duration, clicks uint64) Activity {
		return Activity{User: user, Group: group, Arm: "value", Bucket: t0.Add(hour), Impressions: 8, Clicks: clicks}
	}
	tr, ho := schemas.GroupTreatment, schemas.GroupHoldout
	d := Data{Activity: []Activity{
		act("a", tr, 0, 1), act("b", tr, 0, 2), act("c", ho, 0, 1), act("d", ho, 0, 1),
		act("a", tr, time.Hour, 3), act("c", ho, time.Hour, 1),
	}}
	o := opts
	o.PlannedShoppers = 4
	l := build(t, d, o).CTRLift
	if l.Lift == nil || l.Lift.Relative != 1 || l.Lift.LogSE != 0 || l.CS == nil || l.Looks != 1 {
		t.Fatalf("lift %+v: want the last look's +100%% and a sequence over the first look", l)
	}
	if want := "the last look has no variance on the log scale (every shopper of a side at its rate): the sequence is as of 2019-10-01T01:00:00Z"; l.Error != want {
		t.Errorf("error %q, want %q", l.Error, want)
	}
	// With a success at every look, nothing to explain.
	if l := build(t, fixture(), opts).CTRLift; l.Error != "" {
		t.Errorf("the fixture's lift has an error: %q", l.Error)
	}
}
