package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

func TestRetryable(t *testing.T) {
	f := func(err error, want bool) {
		t.Helper()
		if got := retryable(err); got != want {
			t.Errorf("retryable(%v) = %v, want %v", err, got, want)
		}
	}
	f(nil, false)
	f(context.Canceled, false)
	f(errors.New("clickhouse [Append]: converting string to UInt64 is unsupported"), false)
	f(&ch.Exception{Code: 60, Message: "Table doesn't exist"}, false)
	f(&ch.Exception{Code: 62, Message: "Syntax error"}, false)
	f(fmt.Errorf("send: %w", &ch.Exception{Code: 252, Message: "Too many parts"}), true)
	f(&ch.Exception{Code: 241, Message: "Memory limit exceeded"}, true)
	f(&ch.Exception{Code: 202, Message: "Too many simultaneous queries"}, true)
	f(io.EOF, true)
	f(fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true)
	f(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true)
	f(fmt.Errorf("write: %w", syscall.EPIPE), true)
	f(ch.ErrAcquireConnTimeout, true)
}

func TestBackoff(t *testing.T) {
	f := func(attempt int, jitter float64, want time.Duration) {
		t.Helper()
		if got := backoff(attempt, jitter); got != want {
			t.Errorf("backoff(%d, %v) = %v, want %v", attempt, jitter, got, want)
		}
	}
	f(0, 0, 50*time.Millisecond)
	f(0, 0.999999, 99999950*time.Nanosecond)
	f(1, 0.5, 150*time.Millisecond)
	f(3, 0, 400*time.Millisecond)
	f(7, 0, 5*time.Second) // capped at 10s
	f(7, 1, 10*time.Second)
	f(100, 0.5, 7500*time.Millisecond)
}
