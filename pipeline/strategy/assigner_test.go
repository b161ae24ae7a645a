package strategy

import (
	"math"
	"strconv"
	"testing"

	"github.com/adshift/adshift/schemas"
)

func TestAssignHoldoutShareAndUniformArms(t *testing.T) {
	a, err := NewAssigner(Config{Salt: "s1", Experiment: "exp-1"})
	if err != nil {
		t.Fatal(err)
	}
	const users = 100_000
	held := 0
	arms := map[string]int{}
	for i := range users {
		user := "user-" + strconv.Itoa(i)
		s := a.Assign(user, 1)
		if s.Experiment != "exp-1" {
			t.Fatalf("experiment %q", s.Experiment)
		}
		switch s.Group {
		case schemas.GroupHoldout:
			held++
			if s.Arm != ArmBaseline || s.Propensity != 1 || s.UnconditionalPropensity != DefaultHoldoutShare || s.Policy != PolicyHoldout {
				t.Fatalf("holdout strategy %+v", s)
			}
			// The holdout is persistent: a new profile version does not move the shopper out.
			if again := a.Assign(user, 99); again.Group != schemas.GroupHoldout {
				t.Fatalf("%s left the holdout at version 99", user)
			}
		case schemas.GroupTreatment:
			arms[s.Arm]++
			// Over the holdout and the five arms the unconditional propensities sum to 1.
			if s.Propensity != 0.2 || math.Abs(DefaultHoldoutShare+5*s.UnconditionalPropensity-1) > 1e-12 || s.Policy != PolicyUniform {
				t.Fatalf("treatment strategy %+v", s)
			}
		default:
			t.Fatalf("group %q", s.Group)
		}
	}
	if share := float64(held) / users; math.Abs(share-DefaultHoldoutShare) > 0.005 {
		t.Errorf("holdout share %.4f, want %.2f ± 0.005", share, DefaultHoldoutShare)
	}
	if len(arms) != len(defaultArms) {
		t.Fatalf("arms used: %v", arms)
	}
	treated := users - held
	for arm, n := range arms {
		if share := float64(n) / float64(treated); math.Abs(share-0.2) > 0.01 {
			t.Errorf("arm %s gets %.4f of treated shoppers, want 0.2 ± 0.01", arm, share)
		}
	}
}

func TestAssignIsReproducibleAndSalted(t *testing.T) {
	a, _ := NewAssigner(Config{Arms: []string{"value", "trend"}, HoldoutShare: 0.3, Salt: "a"})
	b, _ := NewAssigner(Config{Arms: []string{"value", "trend"}, HoldoutShare: 0.3, Salt: "b"})
	differs, moves := 0, 0
	for i := range 1000 {
		u := strconv.Itoa(i)
		if a.Assign(u, 7) != a.Assign(u, 7) {
			t.Fatalf("Assign(%s, 7) is not reproducible", u)
		}
		if a.Assign(u, 7).Group != b.Assign(u, 7).Group {
			differs++
		}
		if x, y := a.Assign(u, 7), a.Assign(u, 8); x.Group == schemas.GroupTreatment && x.Arm != y.Arm {
			moves++
		}
	}
	if differs == 0 {
		t.Error("a new salt did not re-draw the holdout")
	}
	if moves == 0 {
		t.Error("arms never change with the profile version")
	}
}

func TestAssignWithoutHoldout(t *testing.T) {
	a, err := NewAssigner(Config{HoldoutShare: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2000 {
		if s := a.Assign(strconv.Itoa(i), 1); s.Group != schemas.GroupTreatment {
			t.Fatalf("shopper %d held out with the holdout disabled", i)
		}
	}
}

func TestNewAssignerRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"baseline arm":  {Arms: []string{"value", ArmBaseline}},
		"duplicate arm": {Arms: []string{"value", "value"}},
		"empty arm":     {Arms: []string{""}},
		"all held out":  {HoldoutShare: 1},
	} {
		if _, err := NewAssigner(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestSegment(t *testing.T) {
	top := schemas.Summary{Categories: []schemas.Weighted{{Name: "Electronics.audio", Weight: 1}, {Name: "appliances.kitchen.kettle", Weight: 0.5}}}
	if got := Segment(top); got != "electronics" {
		t.Errorf("Segment = %q", got)
	}
	if got := Segment(schemas.Summary{}); got != "unknown" {
		t.Errorf("Segment of an empty summary = %q", got)
	}
}
