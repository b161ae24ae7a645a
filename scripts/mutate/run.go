package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// verdict is what a mutant's test run said.
type verdict int

const (
	killed  verdict = iota // a test failed (or timed out): the change was noticed
	lived                  // every test passed: nothing checks this code
	invalid                // the change does not compile
)

// runMutant builds and tests pkg with one file replaced through go's -overlay, so the tree is
// never touched and mutants of different packages may run side by side.
func runMutant(ctx context.Context, dir, pkg string, s site, timeout time.Duration) (verdict, error) {
	src, err := os.ReadFile(s.file)
	if err != nil {
		return invalid, err
	}
	mutated := filepath.Join(dir, fmt.Sprintf("m%d.go", s.start))
	if err := os.WriteFile(mutated, s.apply(src), 0o644); err != nil {
		return invalid, err
	}
	defer os.Remove(mutated)
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {s.file: mutated}})
	if err != nil {
		return invalid, err
	}
	ov := filepath.Join(dir, fmt.Sprintf("o%d.json", s.start))
	if err := os.WriteFile(ov, overlay, 0o644); err != nil {
		return invalid, err
	}
	defer os.Remove(ov)
	return goTest(ctx, pkg, timeout, "-overlay", ov)
}

// goTest runs the package's tests once; a build failure is invalid, any other failure killed.
func goTest(ctx context.Context, pkg string, timeout time.Duration, extra ...string) (verdict, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+30*time.Second)
	defer cancel()
	args := append([]string{"test", "-count=1", "-failfast", "-vet=off", "-timeout", timeout.String()}, extra...)
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return lived, nil
	case ctx.Err() != nil:
		return killed, nil // hung: the tests noticed, by their timeout
	case errors.As(err, &exit):
		if strings.Contains(out.String(), "[build failed]") || strings.Contains(out.String(), "[setup failed]") {
			return invalid, nil
		}
		return killed, nil
	default:
		return invalid, err
	}
}
