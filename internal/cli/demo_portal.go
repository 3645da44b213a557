package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// portal is the demo clinic's patient portal: a real HTTPS server on
// loopback with the web mistakes KollGuard finds, and its plain HTTP side.
type portal struct {
	httpsURL, httpURL string
	caFile            string // the portal's self-signed certificate, as a trust root
	dir               string
	servers           []*http.Server
}

// startPortal starts the portal's HTTPS and HTTP servers on free ports.
func startPortal() (*portal, error) {
	dir, err := os.MkdirTemp("", "kollguard-portal-")
	if err != nil {
		return nil, err
	}
	p := &portal{dir: dir, caFile: filepath.Join(dir, "portal-ca.pem")}
	cert, err := portalCertificate(p.caFile)
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("portal certificate: %w", err)
	}
	secure, err := p.serve(http.HandlerFunc(portalPage), &tls.Config{
		Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
	})
	if err != nil {
		p.stop()
		return nil, err
	}
	plain, err := p.serve(http.HandlerFunc(portalPlain), nil)
	if err != nil {
		p.stop()
		return nil, err
	}
	p.httpsURL = "https://localhost:" + secure + "/"
	p.httpURL = "http://localhost:" + plain + "/"
	return p, nil
}

// serve starts one server on a free loopback port and returns the port.
func (p *portal) serve(h http.Handler, cfg *tls.Config) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	// The prober's many deliberately odd handshakes are not the demo's news.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)}
	p.servers = append(p.servers, srv)
	if cfg != nil {
		l = tls.NewListener(l, cfg)
	}
	go srv.Serve(l)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port, nil
}

func (p *portal) stop() {
	for _, s := range p.servers {
		s.Close()
	}
	os.RemoveAll(p.dir)
}

// portalPage forgets HSTS, lets scripts read the session cookie, keeps the
// session for a whole shift, and lets browsers cache chart pages.
func portalPage(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: "portal_session", Value: "demo", Path: "/",
		Secure: true, SameSite: http.SameSiteLaxMode, MaxAge: 8 * 60 * 60})
	w.Header().Set("Cache-Control", "private, max-age=600")
	fmt.Fprintln(w, "<h1>Riverside Clinic patient portal (demo)</h1>")
}

// portalPlain serves the login page over plain HTTP instead of redirecting.
func portalPlain(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, `<form method="post" action="/login">demo login</form>`)
}

// portalCertificate makes a self-signed certificate for localhost and
// writes it to caFile so that the demo scan can trust it.
func portalCertificate(caFile string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"Demo clinic"}},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:        true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(caFile, pemBytes, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
