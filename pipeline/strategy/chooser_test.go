package strategy

import (
	"errors"
	"testing"
)

func TestNewFollowsThePolicy(t *testing.T) {
	f := func(policy string, want any) {
		t.Helper()
		c, err := New(Config{Policy: policy}, nil, nil)
		if err != nil {
			t.Fatalf("policy %q: %v", policy, err)
		}
		switch want.(type) {
		case *Assigner:
			if _, ok := c.(*Assigner); !ok {
				t.Fatalf("policy %q built a %T, want the uniform assigner", policy, c)
			}
		case *Thompson:
			if _, ok := c.(*Thompson); !ok {
				t.Fatalf("policy %q built a %T, want the bandit", policy, c)
			}
		}
	}
	f("", (*Assigner)(nil))
	f(ChooseUniform, (*Assigner)(nil))
	f(ChooseThompson, (*Thompson)(nil))

	var key *KeyError
	if _, err := New(Config{Policy: "greedy"}, nil, nil); !errors.As(err, &key) || key.Key != "policy" {
		t.Fatalf("unknown policy: error %v, want one naming the key policy", err)
	}
	if _, err := New(Config{Policy: ChooseThompson, PriorStrength: -1}, nil, nil); !errors.As(err, &key) || key.Key != "prior_strength" {
		t.Fatalf("negative prior: error %v, want one naming the key prior_strength", err)
	}
}
