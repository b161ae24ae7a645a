package franz

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/aws"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// DefaultDialTimeout is the dial timeout of a Connection that sets none.
const DefaultDialTimeout = 10 * time.Second

// Connection is how a client reaches the brokers, built once from a Security and shared by every
// client adshift opens. The zero value dials plaintext without authentication.
type Connection struct {
	// Dialer, when set, opens the TCP connections (proxies, tests that cut the network); TLS,
	// when set, is layered over it.
	Dialer func(ctx context.Context, network, host string) (net.Conn, error)
	// DialTimeout bounds a dial and the first request on a new connection (default 10s).
	DialTimeout time.Duration
	TLS         *tls.Config
	SASL        sasl.Mechanism
}

// NewConnection builds the connection s describes, reading its certificate files. It warns on
// logger when certificates are not verified, or when a password would cross the network in clear.
func NewConnection(s Security, logger *slog.Logger) (Connection, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := Connection{DialTimeout: s.DialTimeout}
	var err error
	if s.TLS.Enabled {
		if c.TLS, err = s.TLS.Config(); err != nil {
			return Connection{}, fmt.Errorf("kafka.tls: %w", err)
		}
		if s.TLS.InsecureSkipVerify {
			logger.Warn("kafka.tls.insecure_skip_verify is on: the brokers' certificates are not verified, so anyone on the path can impersonate them")
		}
	}
	if c.SASL, err = mechanism(s.SASL); err != nil {
		return Connection{}, fmt.Errorf("kafka.sasl: %w", err)
	}
	if c.SASL != nil && c.TLS == nil && s.SASL.Mechanism == MechanismPlain {
		logger.Warn("kafka.sasl.mechanism is plain without kafka.tls: the password crosses the network in clear")
	}
	return c, nil
}

func mechanism(s SASL) (sasl.Mechanism, error) {
	switch s.Mechanism {
	case "":
		return nil, nil
	case MechanismPlain:
		return plain.Auth{User: s.Username, Pass: s.Password}.AsMechanism(), nil
	case MechanismSCRAM256:
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha256Mechanism(), nil
	case MechanismSCRAM512:
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha512Mechanism(), nil
	case MechanismAWSMSKIAM:
		return aws.ManagedStreamingIAM(func(context.Context) (aws.Auth, error) { return awsAuth(s) }), nil
	}
	return nil, fmt.Errorf("mechanism %q is not one of %v", s.Mechanism, Mechanisms())
}

// awsAuth returns the configured AWS credentials, else those of the standard AWS variables.
func awsAuth(s SASL) (aws.Auth, error) {
	key, secret, token := s.AWSAccessKeyID, s.AWSSecretAccessKey, s.AWSSessionToken
	if key == "" {
		key, secret, token = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")
	}
	if key == "" || secret == "" {
		return aws.Auth{}, errors.New("aws-msk-iam: no credentials: set kafka.sasl.aws_access_key_id and aws_secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	return aws.Auth{AccessKey: key, SecretKey: secret, SessionToken: token}, nil
}

// Opts are the client options of c.
func (c Connection) Opts() []kgo.Opt {
	timeout := c.DialTimeout
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	// The first request on a connection (ApiVersions, SASL) waits at most this long for its
	// answer, so a broker that accepts connections but never answers fails within the timeout.
	opts := []kgo.Opt{kgo.DialTimeout(timeout), kgo.RequestTimeoutOverhead(timeout)}
	switch {
	case c.Dialer != nil && c.TLS != nil:
		opts = append(opts, kgo.Dialer(tlsOver(c.Dialer, c.TLS)))
	case c.Dialer != nil:
		opts = append(opts, kgo.Dialer(c.Dialer))
	case c.TLS != nil:
		opts = append(opts, kgo.DialTLSConfig(c.TLS))
	}
	if c.SASL != nil {
		opts = append(opts, kgo.SASL(c.SASL))
	}
	return opts
}

// tlsOver layers TLS over dial, naming the host dialled as the server unless cfg names one.
func tlsOver(dial func(ctx context.Context, network, host string) (net.Conn, error), cfg *tls.Config) func(ctx context.Context, network, host string) (net.Conn, error) {
	return func(ctx context.Context, network, host string) (net.Conn, error) {
		raw, err := dial(ctx, network, host)
		if err != nil {
			return nil, err
		}
		c := cfg.Clone()
		if c.ServerName == "" {
			if h, _, err := net.SplitHostPort(host); err == nil {
				c.ServerName = h
			}
		}
		conn := tls.Client(raw, c)
		if err := conn.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		return conn, nil
	}
}
