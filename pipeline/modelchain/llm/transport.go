package llm

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/adshift/adshift/pipeline/modelchain"
)

// observationKey carries a request's *observation in its context.
type observationKey struct{}

// observation is what the transport saw of a request's response.
type observation struct {
	mu       sync.Mutex
	status   int
	after    time.Duration
	tooLarge bool // the body ran over the cap, and reading stopped there
}

func (o *observation) overCap() {
	o.mu.Lock()
	o.tooLarge = true
	o.mu.Unlock()
}

func (o *observation) wasTooLarge() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tooLarge
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
// observation its request's context carries, and stops reading a body at maxBytes (0: no cap).
type observer struct {
	next     http.RoundTripper
	maxBytes int64
}

func (t observer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if resp == nil {
		return resp, err
	}
	obs, _ := req.Context().Value(observationKey{}).(*observation)
	if obs != nil {
		obs.set(resp.StatusCode, parseRetryAfter(resp.Header.Get("Retry-After")))
	}
	if t.maxBytes > 0 {
		if resp.ContentLength > t.maxBytes {
			resp.Body.Close()
			if obs != nil {
				obs.overCap()
			}
			return nil, fmt.Errorf("%w: %d bytes announced, cap %d", modelchain.ErrAnswerTooLarge, resp.ContentLength, t.maxBytes)
		}
		resp.Body = &cappedBody{body: resp.Body, left: t.maxBytes, max: t.maxBytes, obs: obs}
	}
	return resp, err
}

// cappedBody reads a response body up to max bytes and fails, without reading on, when the
// body holds more: a model's answer is a few hundred tokens, and a server that sends megabytes
// must not cost memory or tokens.
type cappedBody struct {
	body      io.ReadCloser
	left, max int64
	obs       *observation
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more than the cap tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, err := b.body.Read(one[:]); n == 0 {
			return 0, err
		}
		if b.obs != nil {
			b.obs.overCap()
		}
		return 0, fmt.Errorf("%w: over %d bytes", modelchain.ErrAnswerTooLarge, b.max)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.body.Close() }

// observed returns a copy of client (or a new one) whose transport observes statuses, reads at
// most maxBytes of a response body (0: no cap), and which times out after timeout unless it
// already has a shorter bound.
func observed(client *http.Client, timeout time.Duration, maxBytes int64) *http.Client {
	var c http.Client
	if client != nil {
		c = *client
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = observer{next: next, maxBytes: maxBytes}
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
