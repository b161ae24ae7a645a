package franz

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/adshift/adshift/tlsfiles"
)

// SASL mechanisms adshift authenticates with.
const (
	MechanismPlain     = "plain"
	MechanismSCRAM256  = "scram-sha-256"
	MechanismSCRAM512  = "scram-sha-512"
	MechanismAWSMSKIAM = "aws-msk-iam"
)

// Mechanisms lists the values kafka.sasl.mechanism allows besides "" (no SASL).
func Mechanisms() []string {
	return []string{MechanismPlain, MechanismSCRAM256, MechanismSCRAM512, MechanismAWSMSKIAM}
}

// Security is how every client adshift opens reaches the brokers: TLS, SASL and the dial timeout.
// The zero value is plaintext without authentication.
type Security struct {
	// DialTimeout bounds opening a connection and the first answer on it, so a broker that
	// accepts connections but never answers fails fast, naming what was tried.
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
	TLS         TLS           `mapstructure:"tls"`
	SASL        SASL          `mapstructure:"sasl"`
}

// TLS configures encrypted connections to the brokers.
type TLS = tlsfiles.Files

// SASL configures authentication to the brokers.
type SASL struct {
	// Mechanism is one of plain, scram-sha-256, scram-sha-512, aws-msk-iam; empty: none.
	Mechanism string `mapstructure:"mechanism"`
	// Username and Password are the credentials of plain and scram-* (Confluent Cloud: the API
	// key and secret).
	Username string `mapstructure:"username"`
	Password string `mapstructure:"password"`
	// AWS credentials of aws-msk-iam; empty: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
	// AWS_SESSION_TOKEN, read at every authentication so rotated credentials are picked up.
	AWSAccessKeyID     string `mapstructure:"aws_access_key_id"`
	AWSSecretAccessKey string `mapstructure:"aws_secret_access_key"`
	AWSSessionToken    string `mapstructure:"aws_session_token"`
}

// Validate checks the keys, naming each (relative to the kafka section) in its error.
func (s Security) Validate() error {
	var errs []error
	if s.DialTimeout <= 0 {
		errs = append(errs, fmt.Errorf("dial_timeout: %v must be positive", s.DialTimeout))
	}
	if s.SASL.Mechanism == MechanismAWSMSKIAM && !s.TLS.Enabled {
		// MSK serves IAM authentication only on its TLS listener (port 9098).
		errs = append(errs, errors.New("sasl: mechanism aws-msk-iam needs tls.enabled: true (MSK serves IAM only over TLS, on port 9098)"))
	}
	return errors.Join(append(errs, s.TLS.Validate(), s.SASL.validate())...)
}

// Enabled reports whether anything but plaintext without authentication is configured.
func (s Security) Enabled() bool { return s.TLS != (TLS{}) || s.SASL != (SASL{}) }

func (s SASL) validate() error {
	switch s.Mechanism {
	case "":
		if s != (SASL{}) {
			return errors.New("sasl.mechanism: empty, but credentials are set: choose one of " + fmt.Sprint(Mechanisms()))
		}
	case MechanismPlain, MechanismSCRAM256, MechanismSCRAM512:
		if s.Username == "" || s.Password == "" {
			return fmt.Errorf("sasl: %s needs username and password", s.Mechanism)
		}
		if s.AWSAccessKeyID != "" || s.AWSSecretAccessKey != "" || s.AWSSessionToken != "" {
			return fmt.Errorf("sasl: aws_* credentials are for aws-msk-iam, not %s", s.Mechanism)
		}
	case MechanismAWSMSKIAM:
		if (s.AWSAccessKeyID == "") != (s.AWSSecretAccessKey == "") {
			return errors.New("sasl: aws_access_key_id and aws_secret_access_key go together: set both, or neither to read them from AWS_* variables")
		}
		if s.Username != "" || s.Password != "" {
			return errors.New("sasl: username and password are not used by aws-msk-iam")
		}
	default:
		if !slices.Contains(Mechanisms(), s.Mechanism) {
			return fmt.Errorf("sasl.mechanism: %q is not one of %v", s.Mechanism, Mechanisms())
		}
	}
	return nil
}
