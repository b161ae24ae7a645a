package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline/interest"
)

// features.model is read at start: a good file loads, and a missing, damaged or foreign one is
// an error naming the key and the file, never a panic.
func TestFeaturesModelAtStart(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "rees46.model")
	train(t, trainOptions{format: "rees46", file: rees46File, out: good})
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.model")
	bad := append([]byte(nil), raw...)
	bad[len(bad)/2] ^= 0xff
	if err := os.WriteFile(damaged, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	app := func(path string) *app {
		cfg := config.Default()
		cfg.Features.Model = path
		return &app{cfg: cfg, log: newLogger(testWriter{t}, config.Log{Level: "warn"}), reg: prometheus.NewRegistry()}
	}

	m, err := app(good).interestModel()
	if err != nil || m == nil || m.Version() != readModel(t, good).Version() {
		t.Fatalf("loading %s: %v, %v", good, m, err)
	}
	if m, err := app("").interestModel(); m != nil || err != nil {
		t.Fatalf("no features.model: %v, %v; want neither", m, err)
	}
	for _, tc := range []struct {
		path string
		is   error
	}{
		{damaged, interest.ErrCorrupt},
		{rees46File, interest.ErrFormat},
		{filepath.Join(dir, "missing.model"), os.ErrNotExist},
	} {
		_, err := app(tc.path).interestModel()
		if !errors.Is(err, tc.is) || !strings.HasPrefix(err.Error(), "features.model: ") || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: %v, want %v naming features.model and the file", tc.path, err, tc.is)
		}
	}
}
