package franz

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestSecurityValidate(t *testing.T) {
	f := func(s Security, want string) {
		t.Helper()
		s.DialTimeout = time.Second
		err := s.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("Validate(%+v) = %v, want nil", s, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("Validate(%+v) = %v, want an error containing %q", s, err, want)
		}
	}
	f(Security{}, "")
	f(Security{TLS: TLS{Enabled: true}}, "")
	f(Security{TLS: TLS{CAFile: "ca.pem"}}, "tls.enabled is false")
	f(Security{TLS: TLS{Enabled: true, CertFile: "c.pem"}}, "cert_file and key_file go together")
	f(Security{SASL: SASL{Mechanism: MechanismPlain, Username: "u", Password: "p"}}, "")
	f(Security{SASL: SASL{Mechanism: MechanismSCRAM512, Username: "u"}}, "needs username and password")
	f(Security{SASL: SASL{Mechanism: "SCRAM"}}, `"SCRAM" is not one of`)
	f(Security{SASL: SASL{Password: "p"}}, "credentials are set")
	f(Security{TLS: TLS{Enabled: true}, SASL: SASL{Mechanism: MechanismAWSMSKIAM}}, "")
	f(Security{SASL: SASL{Mechanism: MechanismAWSMSKIAM}}, "aws-msk-iam needs tls.enabled")
	f(Security{TLS: TLS{Enabled: true}, SASL: SASL{Mechanism: MechanismAWSMSKIAM, AWSAccessKeyID: "AKIA"}}, "go together")
	f(Security{TLS: TLS{Enabled: true}, SASL: SASL{Mechanism: MechanismAWSMSKIAM, Username: "u"}}, "not used by aws-msk-iam")
	f(Security{SASL: SASL{Mechanism: MechanismPlain, Username: "u", Password: "p", AWSSessionToken: "t"}}, "for aws-msk-iam")
	if err := (Security{}).Validate(); err == nil || !strings.Contains(err.Error(), "dial_timeout") {
		t.Errorf("Validate with no dial timeout = %v, want a dial_timeout error", err)
	}
}

func TestNewConnectionWarnsWhenInsecure(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := NewConnection(Security{TLS: TLS{Enabled: true, InsecureSkipVerify: true}}, logger); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "insecure_skip_verify") {
		t.Errorf("insecure_skip_verify logged %q, want a warning naming it", logs.String())
	}
	logs.Reset()
	if _, err := NewConnection(Security{SASL: SASL{Mechanism: MechanismPlain, Username: "u", Password: "p"}}, logger); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "in clear") {
		t.Errorf("PLAIN without TLS logged %q, want a warning", logs.String())
	}
}

func TestNewConnectionNamesBadFiles(t *testing.T) {
	_, err := NewConnection(Security{TLS: TLS{Enabled: true, CAFile: "/nonexistent/ca.pem"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "kafka.tls: ca_file") {
		t.Errorf("missing CA file: %v, want an error naming kafka.tls ca_file", err)
	}
}

// TestMSKIAMSignsWithTheConfiguredKey checks the AWS_MSK_IAM mechanism the configuration builds:
// its first message is the signed JSON MSK expects, for the key configured, else the one in
// AWS_ACCESS_KEY_ID. (No embedded broker speaks AWS_MSK_IAM.)
func TestMSKIAMSignsWithTheConfiguredKey(t *testing.T) {
	const host = "b-1.demo.abc123.c2.kafka.eu-west-1.amazonaws.com"
	f := func(s SASL, wantKey string) {
		t.Helper()
		conn, err := NewConnection(Security{SASL: s}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if conn.SASL.Name() != "AWS_MSK_IAM" {
			t.Fatalf("mechanism %q, want AWS_MSK_IAM", conn.SASL.Name())
		}
		_, msg, err := conn.SASL.Authenticate(t.Context(), host+":9098")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(msg, &m); err != nil {
			t.Fatalf("first message %q: %v", msg, err)
		}
		if m["action"] != "kafka-cluster:Connect" || m["host"] != host || m["x-amz-signature"] == "" ||
			!strings.HasPrefix(m["x-amz-credential"], wantKey+"/") || !strings.Contains(m["x-amz-credential"], "/eu-west-1/kafka-cluster/") {
			t.Errorf("first message %v, want a kafka-cluster:Connect request signed by %s in eu-west-1", m, wantKey)
		}
	}
	f(SASL{Mechanism: MechanismAWSMSKIAM, AWSAccessKeyID: "AKIACONFIGURED", AWSSecretAccessKey: "s"}, "AKIACONFIGURED")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	f(SASL{Mechanism: MechanismAWSMSKIAM}, "AKIAFROMENV")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	conn, err := NewConnection(Security{SASL: SASL{Mechanism: MechanismAWSMSKIAM}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := conn.SASL.Authenticate(t.Context(), host+":9098"); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("no AWS credentials: %v, want an error naming AWS_ACCESS_KEY_ID", err)
	}
}

func TestCompression(t *testing.T) {
	for _, name := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		if _, err := Compression(name); err != nil {
			t.Errorf("Compression(%q): %v", name, err)
		}
	}
	if _, err := Compression("brotli"); err == nil || !strings.Contains(err.Error(), `"brotli" is not one of`) {
		t.Errorf("Compression(brotli) = %v", err)
	}
}
