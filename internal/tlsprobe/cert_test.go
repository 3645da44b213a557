package tlsprobe

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/check"
)

func TestCertificateChecksAgainstRealServers(t *testing.T) {
	pki := newPKI(t)
	tests := []struct {
		name   string
		spec   certSpec
		caFile bool // trust the test CA
		want   map[string]check.Status
		facts  func(*testing.T, *Certificate)
	}{
		{
			name: "an RSA 2048 certificate from a trusted CA passes every certificate check",
			spec: certSpec{}, caFile: true,
			want: map[string]check.Status{"tls.cert.expired": check.Pass,
				"tls.cert.hostname": check.Pass, "tls.cert.trusted": check.Pass,
				"tls.cert.signature": check.Pass, "tls.cert.key-size": check.Pass},
			facts: func(t *testing.T, c *Certificate) {
				if c.KeyType != "RSA" || c.KeyBits != 2048 || c.DaysLeft < 88 {
					t.Errorf("key %s %d, days left %d", c.KeyType, c.KeyBits, c.DaysLeft)
				}
			},
		},
		{
			name: "an RSA 1024 key fails the key size check",
			spec: certSpec{key: "rsa1024"}, caFile: true,
			want: map[string]check.Status{"tls.cert.key-size": check.Fail,
				"tls.cert.trusted": check.Pass},
		},
		{
			name: "an ECDSA P-256 key passes the key size check",
			spec: certSpec{key: "ecdsa"}, caFile: true,
			want: map[string]check.Status{"tls.cert.key-size": check.Pass},
			facts: func(t *testing.T, c *Certificate) {
				if c.KeyType != "ECDSA" || c.KeyBits != 256 {
					t.Errorf("key %s %d, want ECDSA 256", c.KeyType, c.KeyBits)
				}
			},
		},
		{
			name: "an expired certificate fails expiry but still chains to its CA",
			spec: certSpec{notAfter: time.Now().Add(-24 * time.Hour)}, caFile: true,
			want: map[string]check.Status{"tls.cert.expired": check.Fail,
				"tls.cert.trusted": check.Pass},
			facts: func(t *testing.T, c *Certificate) {
				if !c.Expired || c.DaysLeft > -1 {
					t.Errorf("expired %t days left %d", c.Expired, c.DaysLeft)
				}
			},
		},
		{
			name: "a certificate for another name fails the hostname check",
			spec: certSpec{names: []string{"db.example.org"}}, caFile: true,
			want: map[string]check.Status{"tls.cert.hostname": check.Fail,
				"tls.cert.trusted": check.Pass},
		},
		{
			name: "a self-signed certificate is not trusted",
			spec: certSpec{self: true}, caFile: true,
			want: map[string]check.Status{"tls.cert.trusted": check.Fail},
			facts: func(t *testing.T, c *Certificate) {
				if !c.SelfSigned {
					t.Error("self_signed = false")
				}
			},
		},
		{
			name: "a CA-issued certificate is untrusted against the system roots",
			spec: certSpec{}, caFile: false,
			want: map[string]check.Status{"tls.cert.trusted": check.Fail},
		},
		{
			name: "a SHA-1 signature is parsed and fails the signature check",
			spec: certSpec{sig: x509.SHA1WithRSA}, caFile: true,
			want: map[string]check.Status{"tls.cert.signature": check.Fail,
				"tls.cert.trusted": check.Fail},
			facts: func(t *testing.T, c *Certificate) {
				if c.SignatureAlgorithm != "SHA1-RSA" {
					t.Errorf("signature algorithm %q, want SHA1-RSA", c.SignatureAlgorithm)
				}
			},
		},
		{
			name: "a client-only EKU fails the trust check",
			spec: certSpec{eku: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, caFile: true,
			want: map[string]check.Status{"tls.cert.trusted": check.Fail},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := &tls.Config{Certificates: []tls.Certificate{pki.issue(t, tt.spec)}}
			o := Options{}
			if tt.caFile {
				o.CAFile = pki.caFile
			}
			s := probeOK(t, serveGo(t, cfg), o)
			if s.Certificate == nil {
				t.Fatalf("no certificate; errors %v", s.Errors)
			}
			findings := Evaluate(s, "t", o)
			assertChecks(t, findings, tt.want)
			for _, f := range findings {
				if f.Check == "tls.cert.trusted" && s.Certificate.SelfSigned &&
					!strings.Contains(f.Message, "self-signed certificate") {
					t.Errorf("a self-signed certificate is reported as %q", f.Message)
				}
			}
			if tt.facts != nil {
				tt.facts(t, s.Certificate)
			}
		})
	}
}
