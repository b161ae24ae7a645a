package clickhouse

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// testPKI is a certificate authority made for one test and, signed by it, a server certificate
// for 127.0.0.1 and localhost and a client certificate, all PEM files.
type testPKI struct{ dir, ca, serverCert, serverKey, clientCert, clientKey string }

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	p := testPKI{dir: dir, ca: filepath.Join(dir, "ca.pem"), serverCert: filepath.Join(dir, "server.pem"),
		serverKey: filepath.Join(dir, "server-key.pem"), clientCert: filepath.Join(dir, "client.pem"),
		clientKey: filepath.Join(dir, "client-key.pem")}
	caKey, caDER := signCert(t, &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "adshift test CA"},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, nil)
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	writeTestPEM(t, p.ca, "CERTIFICATE", caDER)
	for _, c := range []struct {
		cert, key string
		tmpl      *x509.Certificate
	}{
		{p.serverCert, p.serverKey, &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
			DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}},
		{p.clientCert, p.clientKey, &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "adshift"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature}},
	} {
		key, der := signCert(t, c.tmpl, ca, caKey)
		writeTestPEM(t, c.cert, "CERTIFICATE", der)
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		writeTestPEM(t, c.key, "PRIVATE KEY", keyDER)
	}
	return p
}

// signCert signs tmpl with parent's key (self-signed when parent is nil).
func signCert(t *testing.T, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte) {
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

func writeTestPEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	// The server reads its key as another user may run it: readable, in a test's own directory.
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A ClickHouse server of the test's own serves the native protocol over TLS with a certificate
// the test's authority signed, and requires a client certificate: adshift migrates and lands rows
// through it with clickhouse.tls set; without the authority, without a client certificate, or in
// plaintext on the secure port it is refused, saying why.
func TestTLSNativeProtocol(t *testing.T) {
	p := newTestPKI(t)
	tlsPort := freePort(t)
	port, httpPort := freePort(t), freePort(t)
	srv := &ownServer{
		env: append(os.Environ(), "ADSHIFT_CH_PORT="+strconv.Itoa(port), "ADSHIFT_CH_HTTP_PORT="+strconv.Itoa(httpPort),
			"ADSHIFT_CH_DIR="+filepath.Join(t.TempDir(), "clickhouse"), "ADSHIFT_CH_TLS_PORT="+strconv.Itoa(tlsPort),
			"ADSHIFT_CH_TLS_CERT="+p.serverCert, "ADSHIFT_CH_TLS_KEY="+p.serverKey, "ADSHIFT_CH_TLS_CA="+p.ca),
	}
	srv.run(t, "up")
	t.Cleanup(func() { srv.run(t, "down") })

	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:" + strconv.Itoa(tlsPort)
	cfg.Database = "adshift_tls"
	cfg.DialTimeout = 10 * time.Second
	cfg.TLS = TLS{Enabled: true, CAFile: p.ca, CertFile: p.clientCert, KeyFile: p.clientKey}
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	if err := w.Write(t.Context(), schemas.Rows{Events: []schemas.AdEvent{testEvent("e1", schemas.Impression, "a1", 0)}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, c, map[string]uint64{"ads": 0, "ad_events": 1, "ad_events.impression": 1, "failed_events": 0})

	refused := func(what string, cfg Config, want ...string) {
		t.Helper()
		c, err := Connect(t.Context(), cfg, nil)
		if err == nil {
			c.Close()
			t.Errorf("%s: connected", what)
			return
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want it to say %q", what, err, w)
			}
		}
	}
	noCA := cfg
	noCA.TLS.CAFile = ""
	refused("without the authority", noCA, "certificate")
	noClientCert := cfg
	noClientCert.TLS.CertFile, noClientCert.TLS.KeyFile = "", ""
	refused("without a client certificate", noClientCert, cfg.Addr)
	plain := cfg
	plain.TLS = TLS{}
	plain.DialTimeout = 2 * time.Second
	refused("in plaintext on the secure port", plain, cfg.Addr)
	wrongName := cfg
	wrongName.TLS.ServerName = "clickhouse.example"
	refused("naming another server", wrongName, "clickhouse.example")

	// The insecure switch connects without the authority, and says what it gives up.
	insecure := noCA
	insecure.TLS.InsecureSkipVerify = true
	var logged bytes.Buffer
	ic, err := Connect(t.Context(), insecure, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatalf("insecure_skip_verify: %v", err)
	}
	ic.Close()
	if !strings.Contains(logged.String(), "level=WARN") || !strings.Contains(logged.String(), "insecure_skip_verify") {
		t.Errorf("insecure_skip_verify logged %q, want a warning naming it", logged.String())
	}
}

func TestTLSConfigValidate(t *testing.T) {
	f := func(tls TLS, want string) {
		t.Helper()
		cfg := DefaultConfig()
		cfg.TLS = tls
		err := cfg.Validate()
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("Validate(%+v) = %v, want %q", tls, err, want)
		}
	}
	f(TLS{}, "")
	f(TLS{Enabled: true}, "")
	f(TLS{Enabled: true, CAFile: "ca.pem", CertFile: "c.pem", KeyFile: "k.pem", ServerName: "ch"}, "")
	f(TLS{CAFile: "ca.pem"}, "tls.enabled is false")
	f(TLS{Enabled: true, CertFile: "c.pem"}, "cert_file and key_file go together")
}
