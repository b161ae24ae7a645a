package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/adshift/adshift/pipeline"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// pki is a certificate authority made for one test, with a broker and a client certificate it
// signed, all written as PEM files.
type pki struct {
	caFile, clientCert, clientKey string
	server                        tls.Certificate
	pool                          *x509.CertPool
}

func newPKI(t *testing.T, brokerName string) pki {
	t.Helper()
	dir := t.TempDir()
	caKey, caDER := newCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "adshift test CA"},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, nil, nil)
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	p := pki{caFile: filepath.Join(dir, "ca.pem"), clientCert: filepath.Join(dir, "client.pem"),
		clientKey: filepath.Join(dir, "client-key.pem"), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	srvKey, srvDER := newCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: brokerName}, DNSNames: []string{brokerName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, ca, caKey)
	p.server = tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}
	cliKey, cliDER := newCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "adshift"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, ca, caKey)
	writePEM(t, p.clientCert, "CERTIFICATE", cliDER)
	keyDER, err := x509.MarshalECPrivateKey(cliKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, p.clientKey, "EC PRIVATE KEY", keyDER)
	return p
}

// newCert signs tmpl with parent's key (self-signed when parent is nil).
func newCert(t *testing.T, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	return key, der
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// startSecureBroker starts a kfake broker that takes only TLS connections with a client
// certificate p signed, and only SASL-authenticated clients: user adshift, password s3cret, by
// PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
func startSecureBroker(t *testing.T, p pki, topic string) []string {
	t.Helper()
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.SeedTopics(2, topic),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: p.pool,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}),
		kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "adshift", "s3cret"),
		kfake.Superuser("SCRAM-SHA-256", "adshift", "s3cret"),
		kfake.Superuser("SCRAM-SHA-512", "adshift", "s3cret"),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// TestSecureBrokerEveryClient runs the producer, a consumer group and the changelog restore —
// every kind of client adshift opens, the producer's doubling as the admin client — against a
// broker that demands TLS with client certificates and SASL, once per SASL mechanism.
func TestSecureBrokerEveryClient(t *testing.T) {
	const broker, topic = "broker.adshift.test", "secure"
	p := newPKI(t, broker)
	addrs := startSecureBroker(t, p, topic)
	for _, mech := range []string{franz.MechanismPlain, franz.MechanismSCRAM256, franz.MechanismSCRAM512} {
		t.Run(mech, func(t *testing.T) {
			conn, err := franz.NewConnection(franz.Security{
				DialTimeout: 5 * time.Second,
				TLS: franz.TLS{Enabled: true, CAFile: p.caFile, CertFile: p.clientCert, KeyFile: p.clientKey,
					ServerName: broker},
				SASL: franz.SASL{Mechanism: mech, Username: "adshift", Password: "s3cret"},
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: addrs, Conn: conn,
				ExplicitPartitions: []string{topic}}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close(t.Context())
			if err := EnsureTopics(t.Context(), out.Client(), []TopicSpec{{Name: topic, Partitions: 2}}, false); err != nil {
				t.Fatalf("admin over TLS and %s: %v", mech, err)
			}
			recs := []pipeline.Record{
				{Topic: topic, Partition: 1, Key: []byte(mech + "-a"), Value: []byte("1")},
				{Topic: topic, Partition: 1, Key: []byte(mech + "-b"), Value: []byte("2")},
			}
			if err := out.Emit(t.Context(), recs); err != nil {
				t.Fatalf("produce over TLS and %s: %v", mech, err)
			}

			cl, err := NewChangelog(ChangelogConfig{Brokers: addrs, Topic: topic, Conn: conn}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			if err := cl.Restore(t.Context(), 1, func(k, _ []byte) error { keys = append(keys, string(k)); return nil }); err != nil {
				t.Fatalf("restore over TLS and %s: %v", mech, err)
			}
			if !strings.Contains(strings.Join(keys, ","), mech+"-a,"+mech+"-b") {
				t.Fatalf("restored keys %v, want %s-a and %s-b among them", keys, mech, mech)
			}

			cfg := testConfig(addrs, "secure-"+mech)
			cfg.Conn = conn
			stage := newFakeStage(topic)
			g, err := NewGroup(cfg, stage, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			stop := runGroup(t, g, stage)
			stage.waitFor(t, "the records produced so far", func() bool { return stage.count() >= len(recs) })
			if err := stop(); err != nil {
				t.Fatalf("consumer group over TLS and %s: %v", mech, err)
			}
		})
	}
}

// TestSecureBrokerRefusesWrongCredentials checks that what a user gets wrong — the password, the
// authority, the client certificate, TLS itself — fails with an error rather than hanging or
// passing.
func TestSecureBrokerRefusesWrongCredentials(t *testing.T) {
	const broker, topic = "broker.adshift.test", "secure"
	p := newPKI(t, broker)
	other := newPKI(t, broker)
	addrs := startSecureBroker(t, p, topic)
	good := franz.Security{
		DialTimeout: 2 * time.Second,
		TLS:         franz.TLS{Enabled: true, CAFile: p.caFile, CertFile: p.clientCert, KeyFile: p.clientKey, ServerName: broker},
		SASL:        franz.SASL{Mechanism: franz.MechanismSCRAM512, Username: "adshift", Password: "s3cret"},
	}
	f := func(name string, change func(*franz.Security)) {
		t.Helper()
		s := good
		change(&s)
		conn, err := franz.NewConnection(s, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: addrs, Conn: conn}, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer out.Close(t.Context())
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := EnsureTopics(ctx, out.Client(), []TopicSpec{{Name: topic, Partitions: 2}}, false); err == nil {
			t.Errorf("%s: the broker accepted the client", name)
		}
	}
	f("wrong password", func(s *franz.Security) { s.SASL.Password = "guess" })
	f("PLAIN with the wrong password", func(s *franz.Security) {
		s.SASL = franz.SASL{Mechanism: franz.MechanismPlain, Username: "adshift", Password: "guess"}
	})
	f("no SASL", func(s *franz.Security) { s.SASL = franz.SASL{} })
	f("another authority", func(s *franz.Security) { s.TLS.CAFile = other.caFile })
	f("a client certificate the broker does not trust", func(s *franz.Security) {
		s.TLS.CertFile, s.TLS.KeyFile = other.clientCert, other.clientKey
	})
	f("another server name", func(s *franz.Security) { s.TLS.ServerName = "elsewhere.test" })
	f("no TLS", func(s *franz.Security) { s.TLS = franz.TLS{} })
}
