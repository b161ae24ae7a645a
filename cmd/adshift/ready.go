package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// readyTimeout bounds all of /readyz's checks together, under the 1s a Kubernetes probe waits.
const readyTimeout = 800 * time.Millisecond

// readiness holds the checks /readyz runs: the broker, ClickHouse once a stage opened it, and
// every stage's group. It is safe for concurrent use.
type readiness struct {
	mu     sync.Mutex
	names  []string
	checks map[string]func(context.Context) error
}

func newReadiness() *readiness {
	return &readiness{checks: map[string]func(context.Context) error{}}
}

// add registers check under name; a second check of the same name is ignored.
func (r *readiness) add(name string, check func(context.Context) error) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.checks[name]; ok {
		return
	}
	r.names = append(r.names, name)
	r.checks[name] = check
}

// check runs every check in parallel under readyTimeout and returns each one's error by name.
func (r *readiness) check(ctx context.Context) (names []string, errs map[string]error) {
	r.mu.Lock()
	names = slices.Clone(r.names)
	checks := make([]func(context.Context) error, len(names))
	for i, n := range names {
		checks[i] = r.checks[n]
	}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	results := make([]error, len(names))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() { results[i] = c(ctx) })
	}
	wg.Wait()
	errs = map[string]error{}
	for i, n := range names {
		errs[n] = results[i]
	}
	return names, errs
}

// ServeHTTP answers 200 when every check passes, else 503; the body has a line per check.
func (r *readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	names, errs := r.check(req.Context())
	var body strings.Builder
	status := http.StatusOK
	for _, n := range names {
		if err := errs[n]; err != nil {
			status = http.StatusServiceUnavailable
			fmt.Fprintf(&body, "not ready %s: %v\n", n, err)
		} else {
			fmt.Fprintf(&body, "ok %s\n", n)
		}
	}
	if len(names) == 0 {
		status = http.StatusServiceUnavailable
		body.WriteString("not ready: starting\n")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body.String()))
}
