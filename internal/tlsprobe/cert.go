package tlsprobe

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"
)

// Certificate holds the facts of the server's certificate chain, judged
// against NIST SP 800-52r2 section 3.5 and RFC 5280.
type Certificate struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	DNSNames  []string  `json:"dns_names,omitempty"`
	IPs       []string  `json:"ip_addresses,omitempty"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// DaysLeft counts whole days until NotAfter; negative once expired.
	DaysLeft int  `json:"days_left"`
	Expired  bool `json:"expired"`
	// KeyType is "RSA", "ECDSA", "Ed25519" or "unknown"; KeyBits its size.
	KeyType string `json:"key_type"`
	KeyBits int    `json:"key_bits"`
	// SignatureAlgorithm as crypto/x509 names it: "SHA256-RSA", "SHA1-RSA",
	// "MD5-RSA", "ECDSA-SHA384", ...
	SignatureAlgorithm string `json:"signature_algorithm"`
	// Hostname is the name checked: the SNI name, or the host given.
	Hostname      string `json:"hostname"`
	HostnameMatch bool   `json:"hostname_match"`
	// Trusted: the chain verifies to a root of the system or of the CA file.
	Trusted    bool   `json:"trusted"`
	TrustError string `json:"trust_error,omitempty"`
	SelfSigned bool   `json:"self_signed"`
	// ExtKeyUsage lists the leaf's extended key usages ("serverAuth", ...);
	// ServerAuth says whether it allows TLS server authentication.
	ExtKeyUsage []string    `json:"ext_key_usage,omitempty"`
	ServerAuth  bool        `json:"server_auth"`
	Chain       []ChainCert `json:"chain"`
	// Source says which handshake delivered the chain.
	Source string `json:"source"`
}

// ChainCert is one certificate of the chain as the server sent it.
type ChainCert struct {
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	NotAfter           time.Time `json:"not_after"`
}

// certFacts parses the DER chain the server sent and judges it. x509 parses
// MD5- and SHA-1-signed certificates; only verification refuses them, which
// then shows in TrustError.
func certFacts(chain [][]byte, hostname, caFile string, now time.Time) (*Certificate, error) {
	if len(chain) == 0 {
		return nil, errors.New("server sent no certificate")
	}
	certs := make([]*x509.Certificate, 0, len(chain))
	for i, der := range chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("parsing certificate %d of the chain: %w", i, err)
		}
		certs = append(certs, c)
	}
	leaf := certs[0]
	c := &Certificate{
		Subject:            leaf.Subject.String(),
		Issuer:             leaf.Issuer.String(),
		DNSNames:           leaf.DNSNames,
		NotBefore:          leaf.NotBefore,
		NotAfter:           leaf.NotAfter,
		DaysLeft:           int(leaf.NotAfter.Sub(now).Hours() / 24),
		Expired:            now.After(leaf.NotAfter),
		SignatureAlgorithm: leaf.SignatureAlgorithm.String(),
		Hostname:           hostname,
		SelfSigned:         leaf.Subject.String() == leaf.Issuer.String(),
	}
	for _, ip := range leaf.IPAddresses {
		c.IPs = append(c.IPs, ip.String())
	}
	c.KeyType, c.KeyBits = keyFacts(leaf.PublicKey)
	c.HostnameMatch = hostname != "" && leaf.VerifyHostname(hostname) == nil
	c.ExtKeyUsage, c.ServerAuth = usages(leaf)
	for _, x := range certs {
		c.Chain = append(c.Chain, ChainCert{Subject: x.Subject.String(), Issuer: x.Issuer.String(),
			SignatureAlgorithm: x.SignatureAlgorithm.String(), NotAfter: x.NotAfter})
	}
	roots, err := loadRoots(caFile)
	if err != nil {
		return c, err
	}
	c.Trusted, c.TrustError = trust(certs, roots, now)
	return c, nil
}

func keyFacts(pub any) (string, int) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	return "unknown", 0
}

var ekuNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:             "any",
	x509.ExtKeyUsageServerAuth:      "serverAuth",
	x509.ExtKeyUsageClientAuth:      "clientAuth",
	x509.ExtKeyUsageCodeSigning:     "codeSigning",
	x509.ExtKeyUsageEmailProtection: "emailProtection",
	x509.ExtKeyUsageTimeStamping:    "timeStamping",
	x509.ExtKeyUsageOCSPSigning:     "OCSPSigning",
}

// usages lists the leaf's EKUs; a leaf without the extension may serve any
// purpose (RFC 5280 section 4.2.1.12).
func usages(leaf *x509.Certificate) ([]string, bool) {
	if len(leaf.ExtKeyUsage) == 0 && len(leaf.UnknownExtKeyUsage) == 0 {
		return nil, true
	}
	var names []string
	server := false
	for _, u := range leaf.ExtKeyUsage {
		n, ok := ekuNames[u]
		if !ok {
			n = fmt.Sprintf("eku-%d", u)
		}
		names = append(names, n)
		server = server || u == x509.ExtKeyUsageServerAuth || u == x509.ExtKeyUsageAny
	}
	for _, oid := range leaf.UnknownExtKeyUsage {
		names = append(names, oid.String())
	}
	return names, server
}

// loadRoots returns the CA file's roots, or nil for the system roots.
func loadRoots(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("reading CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("reading CA file %s: no PEM certificates", caFile)
	}
	return pool, nil
}

// trust verifies the chain at a time inside the leaf's validity, so that
// expiry is judged by its own check and trust by the chain alone.
func trust(certs []*x509.Certificate, roots *x509.CertPool, now time.Time) (bool, string) {
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	at := now
	if leaf := certs[0]; at.After(leaf.NotAfter) {
		at = leaf.NotAfter.Add(-time.Second)
	} else if at.Before(leaf.NotBefore) {
		at = leaf.NotBefore.Add(time.Second)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return false, err.Error()
	}
	return true, ""
}
