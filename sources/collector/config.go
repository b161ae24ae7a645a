package collector

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// Config configures the collector. Zero fields take the defaults in their comments.
type Config struct {
	// Addr is where the collector listens (default 127.0.0.1:8088; ":8088" for every interface).
	Addr string `mapstructure:"addr"`
	// WriteKeys are the keys trackers authenticate with: the username of HTTP Basic auth, or
	// "writeKey" in the body as analytics.js sends it. The collector refuses to start without one.
	WriteKeys []string `mapstructure:"write_keys"`
	// MaxInFlight bounds the requests being handled at once; more are answered 503 with
	// Retry-After (default 64).
	MaxInFlight int `mapstructure:"max_in_flight"`
	// RetryAfter is what a 503 tells the tracker to wait, in whole seconds (default 1s).
	RetryAfter time.Duration `mapstructure:"retry_after"`
	// AckTimeout bounds the wait for the broker's acknowledgement; past it the request is answered
	// 503 and the tracker retries (default 10s).
	AckTimeout time.Duration `mapstructure:"ack_timeout"`
	// MaxEventBytes bounds one event, Segment's 32 KB (default 32768).
	MaxEventBytes int `mapstructure:"max_event_bytes"`
	// MaxBatchBytes bounds one request body once decompressed, Segment's 500 KB (default 512000).
	MaxBatchBytes int `mapstructure:"max_batch_bytes"`
	// CORSOrigins are the browser origins allowed to post; "*" allows every origin (default ["*"]).
	CORSOrigins []string `mapstructure:"cors_origins"`
}

// DefaultConfig returns the defaults, spelled out.
func DefaultConfig() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	c.Addr = cmp.Or(c.Addr, "127.0.0.1:8088")
	c.MaxInFlight = cmp.Or(c.MaxInFlight, 64)
	c.RetryAfter = cmp.Or(c.RetryAfter, time.Second)
	c.AckTimeout = cmp.Or(c.AckTimeout, 10*time.Second)
	c.MaxEventBytes = cmp.Or(c.MaxEventBytes, 32<<10)
	c.MaxBatchBytes = cmp.Or(c.MaxBatchBytes, 500<<10)
	if c.CORSOrigins == nil {
		c.CORSOrigins = []string{"*"}
	}
	if c.WriteKeys == nil {
		c.WriteKeys = []string{}
	}
	return c
}

// Validate reports a configuration that cannot work, naming the key. An empty write_keys is
// valid here, since only the collector needs keys; New refuses it.
func (c Config) Validate() error {
	var errs []error
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("addr: %q is not host:port", c.Addr))
		}
	}
	for i, k := range c.WriteKeys {
		switch {
		case k == "":
			errs = append(errs, fmt.Errorf("write_keys[%d]: must not be empty", i))
		case strings.ContainsAny(k, ": \t\r\n"):
			errs = append(errs, fmt.Errorf("write_keys[%d]: must not contain ':' or white space (it is an HTTP Basic username)", i))
		case slices.Index(c.WriteKeys, k) < i:
			errs = append(errs, fmt.Errorf("write_keys[%d]: listed twice", i))
		}
	}
	for _, kv := range []struct {
		key string
		v   int
	}{{"max_in_flight", c.MaxInFlight}, {"max_event_bytes", c.MaxEventBytes}, {"max_batch_bytes", c.MaxBatchBytes}} {
		if kv.v < 0 {
			errs = append(errs, fmt.Errorf("%s: %d must not be negative", kv.key, kv.v))
		}
	}
	if c.MaxEventBytes > 0 && c.MaxBatchBytes > 0 && c.MaxEventBytes > c.MaxBatchBytes {
		errs = append(errs, fmt.Errorf("max_event_bytes: %d exceeds max_batch_bytes (%d)", c.MaxEventBytes, c.MaxBatchBytes))
	}
	if c.RetryAfter < 0 {
		errs = append(errs, fmt.Errorf("retry_after: %v must not be negative", c.RetryAfter))
	}
	if c.AckTimeout < 0 {
		errs = append(errs, fmt.Errorf("ack_timeout: %v must not be negative", c.AckTimeout))
	}
	for i, o := range c.CORSOrigins {
		if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			errs = append(errs, fmt.Errorf("cors_origins[%d]: %q is neither \"*\" nor an http(s):// origin", i, o))
		}
	}
	return errors.Join(errs...)
}

// ErrNoWriteKeys is New's error for a configuration without write keys.
var ErrNoWriteKeys = errors.New("write_keys: set at least one write key, or every tracker is refused")
