package kafka

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"strconv"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Embedded is a single-broker Kafka cluster running in this process (franz-go's kfake). It speaks
// the Kafka protocol on a real TCP port, so kcat and any other client can use it. Its data lives in
// memory and is gone when it closes.
type Embedded struct {
	cluster *kfake.Cluster
}

// StartEmbedded starts a broker listening on addr ("host:port"; an empty host means loopback, port
// 0 picks a free port) and creates the topics in specs.
func StartEmbedded(ctx context.Context, addr string, specs []TopicSpec, logger *slog.Logger) (*Embedded, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("embedded kafka address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("embedded kafka address %q: invalid port", addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	opts := []kfake.Opt{
		kfake.Ports(port),
		// kfake binds loopback; listen on the host asked for instead. Clients connect to whatever
		// address the listener reports, so the host must be one they can reach.
		kfake.ListenFn(func(network, address string) (net.Listener, error) {
			_, p, err := net.SplitHostPort(address)
			if err != nil {
				return nil, err
			}
			return net.Listen(network, net.JoinHostPort(host, p))
		}),
	}
	if logger != nil {
		opts = append(opts, kfake.WithLogger(newKfakeLogger(ctx, logger)))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("start embedded kafka on %s: address already in use; stop what listens there, choose another address, or set kafka.brokers to use that broker: %w", addr, err)
		}
		return nil, fmt.Errorf("start embedded kafka on %s: %w", addr, err)
	}
	e := &Embedded{cluster: cluster}

	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addrs()...))
	if err != nil {
		e.Close()
		return nil, fmt.Errorf("connect to embedded kafka: %w", err)
	}
	defer cl.Close()
	if err := EnsureTopics(ctx, cl, specs, true); err != nil {
		e.Close()
		return nil, fmt.Errorf("embedded kafka: %w", err)
	}
	return e, nil
}

// Addrs returns the broker addresses clients should bootstrap from.
func (e *Embedded) Addrs() []string { return e.cluster.ListenAddrs() }

// Close stops the broker and drops its data.
func (e *Embedded) Close() { e.cluster.Close() }

// kfakeLogger forwards broker logs to slog. kfake logs every request at info, which is debug
// detail for adshift. A nil destination drops the level.
type kfakeLogger struct{ err, warn, debug *log.Logger }

func newKfakeLogger(ctx context.Context, l *slog.Logger) kfakeLogger {
	at := func(level slog.Level) *log.Logger {
		if !l.Enabled(ctx, level) {
			return nil
		}
		return slog.NewLogLogger(l.With("component", "embedded-kafka").Handler(), level)
	}
	return kfakeLogger{err: at(slog.LevelError), warn: at(slog.LevelWarn), debug: at(slog.LevelDebug)}
}

func (k kfakeLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	dst := k.debug
	switch level {
	case kfake.LogLevelError:
		dst = k.err
	case kfake.LogLevelWarn:
		dst = k.warn
	}
	if dst != nil {
		dst.Printf(format, args...)
	}
}
