package clickhouse

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"syscall"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// Server error codes worth retrying: the server is overloaded, restarting or briefly unreachable,
// and the same insert may succeed later.
var retryableCodes = map[int32]bool{
	3:   true, // UNEXPECTED_END_OF_FILE
	159: true, // TIMEOUT_EXCEEDED
	160: true, // TOO_SLOW
	202: true, // TOO_MANY_SIMULTANEOUS_QUERIES
	203: true, // NO_FREE_CONNECTION
	209: true, // SOCKET_TIMEOUT
	210: true, // NETWORK_ERROR
	241: true, // MEMORY_LIMIT_EXCEEDED
	242: true, // TABLE_IS_READ_ONLY
	252: true, // TOO_MANY_PARTS
	285: true, // TOO_FEW_LIVE_REPLICAS
	319: true, // UNKNOWN_STATUS_OF_INSERT
	425: true, // SYSTEM_ERROR
	999: true, // KEEPER_EXCEPTION
}

// retryable reports whether err is transient: a network failure, a timeout or an overloaded
// server. Anything else (bad SQL, a type mismatch, a missing table) is permanent.
func retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ex *ch.Exception
	if errors.As(err, &ex) {
		return retryableCodes[ex.Code]
	}
	var ne net.Error
	return errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, ch.ErrAcquireConnTimeout)
}

const (
	backoffBase = 100 * time.Millisecond
	backoffMax  = 10 * time.Second
)

// backoff is the pause before retry number attempt (0-based): exponential from backoffBase up to
// backoffMax, with jitter in [0,1) spreading it over its upper half so writers do not retry in step.
func backoff(attempt int, jitter float64) time.Duration {
	d := backoffMax
	if attempt < 20 {
		d = min(backoffBase<<attempt, backoffMax)
	}
	return d/2 + time.Duration(jitter*float64(d/2))
}

func jitteredBackoff(attempt int) time.Duration { return backoff(attempt, rand.Float64()) }
