package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Speed is how fast a replay runs against event time. Factor divides event-time gaps: 1 is real
// time, 100 is a hundred times faster. The zero Speed, written "max", does not wait at all.
type Speed struct {
	Factor float64
}

// ParseSpeed parses "max" or a positive factor followed by x, such as "1x", "100x" or "0.5x".
func ParseSpeed(s string) (Speed, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "max" {
		return Speed{}, nil
	}
	num, ok := strings.CutSuffix(t, "x")
	f, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return Speed{}, fmt.Errorf("replay speed %q: want \"max\" or a positive factor such as \"100x\"", s)
	}
	return Speed{Factor: f}, nil
}

// Max reports whether the replay runs as fast as it can.
func (s Speed) Max() bool { return s.Factor == 0 }

func (s Speed) String() string {
	if s.Max() {
		return "max"
	}
	return strconv.FormatFloat(s.Factor, 'g', -1, 64) + "x"
}

// MarshalText lets a Speed be written in configuration as "max" or "100x".
func (s Speed) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a Speed with ParseSpeed.
func (s *Speed) UnmarshalText(b []byte) error {
	v, err := ParseSpeed(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
