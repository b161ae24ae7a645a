package main

import (
	"os"
	"testing"
)

// beAdshift is the variable that makes the test binary run as adshift itself (its main), so
// tests can start adshift processes, and kill them, without building the binary first.
const beAdshift = "BE_ADSHIFT"

func TestMain(m *testing.M) {
	if os.Getenv(beAdshift) == "1" {
		os.Args = append([]string{"adshift"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
