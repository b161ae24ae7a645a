// Package kafkatest starts, for tests, the embedded broker (kfake) as a managed cluster runs:
// TLS with client certificates made by a certificate authority of the test's own, and SASL. It
// holds no state between calls.
package kafkatest

import (
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
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// PKI is a certificate authority made for one test, with a broker and a client certificate it
// signed, all written as PEM files.
type PKI struct {
	CAFile, ClientCert, ClientKey string
	server                        tls.Certificate
	pool                          *x509.CertPool
}

// NewPKI makes a PKI whose broker certificate names brokerName, in t's temporary directory.
func NewPKI(t testing.TB, brokerName string) PKI {
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
	p := PKI{CAFile: filepath.Join(dir, "ca.pem"), ClientCert: filepath.Join(dir, "client.pem"),
		ClientKey: filepath.Join(dir, "client-key.pem"), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	writePEM(t, p.CAFile, "CERTIFICATE", caDER)
	srvKey, srvDER := newCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: brokerName}, DNSNames: []string{brokerName},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, ca, caKey)
	p.server = tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}
	cliKey, cliDER := newCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "adshift"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, ca, caKey)
	writePEM(t, p.ClientCert, "CERTIFICATE", cliDER)
	keyDER, err := x509.MarshalECPrivateKey(cliKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, p.ClientKey, "EC PRIVATE KEY", keyDER)
	return p
}

// newCert signs tmpl with parent's key (self-signed when parent is nil).
func newCert(t testing.TB, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte) {
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

func writePEM(t testing.TB, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Credentials the secure broker knows, by PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
const (
	User     = "adshift"
	Password = "s3cret"
)

// Topic is a topic the secure broker starts with.
type Topic struct {
	Name       string
	Partitions int32
}

// StartSecureBroker starts a kfake broker, closed when t ends, that takes only TLS connections
// with a client certificate p signed, and only SASL-authenticated clients (User, Password), and
// returns its addresses.
func StartSecureBroker(t testing.TB, p PKI, topics ...Topic) []string {
	t.Helper()
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: p.pool,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}),
		kfake.EnableSASL(),
		kfake.Superuser("PLAIN", User, Password),
		kfake.Superuser("SCRAM-SHA-256", User, Password),
		kfake.Superuser("SCRAM-SHA-512", User, Password),
	}
	for _, tp := range topics {
		opts = append(opts, kfake.SeedTopics(tp.Partitions, tp.Name))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}
