package llm

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// observationKey carries a request's *observation in its context.
type observationKey struct{}

// observation is what the transport saw of a request's response.
type observation struct {
	mu     sync.Mutex
	status int
	after  time.Duration
}

func (o *observation) set(status int, after time.Duration) {
	o.mu.Lock()
	o.status, o.after = status, after
	o.mu.Unlock()
}

func (o *observation) get() (int, time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.status, o.after
}

// observer is a RoundTripper that records each response's status and Retry-After in the
// observation its request's context carries.
type observer struct {
	next http.RoundTripper
}

func (t observer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if obs, ok := req.Context().Value(observationKey{}).(*observation); ok && resp != nil {
		obs.set(resp.StatusCode, parseRetryAfter(resp.Header.Get("Retry-After")))
	}
	return resp, err
}

// observed returns a copy of client (or a new one) whose transport observes statuses and which
// times out after timeout unless it already has a shorter bound.
func observed(client *http.Client, timeout time.Duration) *http.Client {
	var c http.Client
	if client != nil {
		c = *client
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = observer{next: next}
	if c.Timeout <= 0 || c.Timeout > timeout {
		c.Timeout = timeout
	}
	return &c
}

// parseRetryAfter reads Retry-After in seconds or as an HTTP date; 0 when absent or unreadable.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
