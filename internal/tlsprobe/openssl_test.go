package tlsprobe

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kollguard/kollguard/internal/check"
)

// writePEM writes a tls.Certificate's leaf and key for openssl.
func writePEM(t *testing.T, c tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(certFile, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// freePort returns a loopback port nobody listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// serveOpenSSL starts `openssl s_server` with args on a loopback port. The
// system configuration is bypassed so that legacy settings take effect.
// openssl is part of every Debian install this project targets: a missing
// binary fails the test rather than skipping it.
func serveOpenSSL(t *testing.T, c tls.Certificate, args ...string) Endpoint {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatalf("openssl is required for this test (apt-get install openssl): %v", err)
	}
	certFile, keyFile := writePEM(t, c)
	port := freePort(t)
	all := append([]string{"s_server", "-accept", "127.0.0.1:" + strconv.Itoa(port),
		"-cert", certFile, "-key", keyFile, "-www", "-quiet"}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Env = append(os.Environ(), "OPENSSL_CONF=/dev/null")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for start := time.Now(); time.Since(start) < 10*time.Second; {
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			return Endpoint{Scheme: "tls", Host: "127.0.0.1", Port: port, ServerName: "localhost"}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("openssl s_server did not listen on %s", addr)
	return Endpoint{}
}

func TestProbeOpenSSLLegacyServer(t *testing.T) {
	t.Parallel()
	pki := newPKI(t)
	e := serveOpenSSL(t, pki.issue(t, certSpec{}),
		"-min_protocol", "TLSv1", "-max_protocol", "TLSv1.3",
		"-cipher", "AES128-SHA:ECDHE-RSA-AES128-SHA:DHE-RSA-AES128-CCM:"+
			"ECDHE-ARIA128-GCM-SHA256:NULL-SHA256:ADH-AES128-GCM-SHA256:@SECLEVEL=0",
		"-ciphersuites", "TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384")
	s := probeOK(t, e, Options{CAFile: pki.caFile})
	want := map[string][]uint16{
		"TLSv1.3": {0x1302, 0x1304},
		"TLSv1.2": {0x002f, 0x003b, 0x00a6, 0xc013, 0xc060, 0xc09e},
		"TLSv1.1": {0x002f, 0xc013},
		"TLSv1.0": {0x002f, 0xc013},
	}
	for v, suites := range want {
		if d := cmp.Diff(suites, suiteSet(s, v)); d != "" {
			t.Errorf("%s suites (-want +got):\n%s", v, d)
		}
	}
	if got := s.version(versionSSL30); got == Offered {
		t.Errorf("SSLv3 %s, want not offered", got)
	}
	assertChecks(t, Evaluate(s, "t", Options{}), map[string]check.Status{
		"tls.protocol.legacy-disabled": check.Fail, "tls.protocol.tls13": check.Pass,
		"tls.cipher.no-weak": check.Fail, "tls.cipher.static-rsa": check.Fail,
		"tls.cipher.cbc-sha1": check.Fail, "tls.cert.trusted": check.Pass,
	})
	if s.Facts.SecureRenegotiation == nil || !*s.Facts.SecureRenegotiation {
		t.Errorf("secure renegotiation %v, want true", s.Facts.SecureRenegotiation)
	}
	if s.Facts.FallbackSCSV == nil || !*s.Facts.FallbackSCSV {
		t.Errorf("fallback SCSV %v, want honoured", s.Facts.FallbackSCSV)
	}
	t.Log(s)
}

func TestProbeOpenSSLServerOrder(t *testing.T) {
	t.Parallel()
	pki := newPKI(t)
	order := []uint16{0xc030, 0xc02f, 0xc014, 0xc013}
	e := serveOpenSSL(t, pki.issue(t, certSpec{}), "-no_tls1_3", "-serverpref",
		"-cipher", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"+
			"ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA")
	s := probeOK(t, e, Options{CAFile: pki.caFile})
	var got []uint16
	for _, c := range s.Suites["TLSv1.2"] {
		got = append(got, parseCode(c.Code))
	}
	if d := cmp.Diff(order, got); d != "" {
		t.Errorf("server order (-want +got):\n%s", d)
	}
	if pref, ok := s.ServerPreference["TLSv1.2"]; !ok || !pref {
		t.Errorf("server preference %t (known %t), want true", pref, ok)
	}
}
