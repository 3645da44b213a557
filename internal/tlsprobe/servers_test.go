package tlsprobe

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// certSpec describes a leaf certificate a test server presents.
type certSpec struct {
	key      string // "rsa2048" (default), "rsa1024", "ecdsa"
	sig      x509.SignatureAlgorithm
	names    []string // DNS names; "localhost" when empty
	notAfter time.Time
	self     bool // self-signed rather than issued by the test CA
	eku      []x509.ExtKeyUsage
}

// testPKI is a CA and the file holding it, for Options.CAFile.
type testPKI struct {
	ca     *x509.Certificate
	caKey  crypto.Signer
	caFile string
}

func newPKI(t testing.TB) *testPKI {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "KollGuard Test CA"},
		NotBefore: time.Now().Add(-72 * time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	file := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(file, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return &testPKI{ca: ca, caKey: key, caFile: file}
}

func leafKey(t testing.TB, kind string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch kind {
	case "rsa1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	case "ecdsa":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// issue returns a tls.Certificate for spec, signed by the PKI's CA.
func (p *testPKI) issue(t testing.TB, spec certSpec) tls.Certificate {
	t.Helper()
	key := leafKey(t, spec.key)
	if spec.names == nil {
		spec.names = []string{"localhost"}
	}
	if spec.notAfter.IsZero() {
		spec.notAfter = time.Now().Add(90 * 24 * time.Hour)
	}
	if spec.eku == nil {
		spec.eku = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: spec.names[0]}, DNSNames: spec.names,
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: spec.notAfter,
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:        spec.eku,
		SignatureAlgorithm: spec.sig,
	}
	parent, signer := p.ca, p.caKey
	if spec.self || spec.sig == x509.SHA1WithRSA {
		parent, signer = tmpl, key // SHA-1 needs an RSA signer: sign with the leaf's key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		t.Fatalf("creating certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// serveGo starts a crypto/tls server on loopback and returns its endpoint.
// Each connection is handshaken and then held until the client leaves.
func serveGo(t testing.TB, cfg *tls.Config) Endpoint {
	t.Helper()
	return serve(t, 10*time.Second, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			var b [1]byte
			_, _ = tc.Read(b[:])
		}
	})
}

// serve starts a loopback server that hands each connection to fn, with
// the connection's deadline set.
func serve(t testing.TB, deadline time.Duration, fn func(net.Conn)) Endpoint {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(deadline))
				fn(c)
			}()
		}
	}()
	return loopback(ln, "tls")
}

func loopback(ln net.Listener, scheme string) Endpoint {
	port := ln.Addr().(*net.TCPAddr).Port
	return Endpoint{Scheme: scheme, Host: "127.0.0.1", Port: port, ServerName: "localhost"}
}
