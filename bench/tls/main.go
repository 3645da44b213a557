// Package main is tlsbench, the KollGuard side of bench/tls/run.sh: it serves a
// Go TLS endpoint with a generated certificate, probes endpoints with
// internal/tlsprobe, and normalises the output of KollGuard, sslscan,
// testssl.sh and nmap's ssl-enum-ciphers to "VERSION CODE" lines so that the
// script can compare each tool with a server's known configuration. It is a
// benchmark helper, not part of the product or of `go test ./...`.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"sync"
	"time"

	"github.com/kollguard/kollguard/internal/tlsprobe"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: tlsbench "+
			"serve-go|cert|probe|probe-text|probe-many|normalize ...")
		return 2
	}
	var err error
	switch args[0] {
	case "serve-go":
		err = serveGo(args[1:])
	case "cert":
		err = writeCert(args[1:])
	case "probe":
		err = probe(args[1:], stdout, false)
	case "probe-text":
		err = probe(args[1:], stdout, true)
	case "probe-many":
		err = probeMany(args[1:], stdout)
	case "normalize":
		err = normalize(args[1:], stdout)
	default:
		err = fmt.Errorf("unknown command %q", args[0])
	}
	if err != nil {
		fmt.Fprintln(stderr, "tlsbench:", err)
		return 1
	}
	return 0
}

// writeCert writes a self-signed P-256 certificate for localhost and
// 127.0.0.1 to CERT and KEY, for openssl and nginx.
func writeCert(args []string) error {
	if len(args) != 2 {
		return errors.New("usage: cert CERT.pem KEY.pem")
	}
	c, err := selfSigned()
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return err
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})
	if err := os.WriteFile(args[0], cert, 0o600); err != nil {
		return err
	}
	return os.WriteFile(args[1], pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		0o600)
}

func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// serveGo serves crypto/tls on ADDR until killed. Mode "default" keeps Go's
// defaults (TLS 1.2 and 1.3, X25519MLKEM768 first); "tls12" offers TLS 1.2
// only with four suites, 3DES and static RSA among them.
func serveGo(args []string) error {
	fs := flag.NewFlagSet("serve-go", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	mode := fs.String("mode", "default", "default or tls12")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cert, err := selfSigned()
	if err != nil {
		return err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if *mode == "tls12" {
		cfg.MaxVersion = tls.VersionTLS12
		cfg.CipherSuites = []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}
	}
	ln, err := tls.Listen("tcp", *addr, cfg)
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			if tc := c.(*tls.Conn); tc.Handshake() == nil {
				_, _ = io.WriteString(tc, "HTTP/1.0 200 OK\r\n\r\nok\n")
			}
		}()
	}
}

// probe prints the snapshot of one endpoint, as JSON or as text.
func probe(args []string, w io.Writer, text bool) error {
	if len(args) != 1 {
		return errors.New("usage: probe URL")
	}
	e, err := tlsprobe.ParseEndpoint(args[0])
	if err != nil {
		return err
	}
	s, err := tlsprobe.Probe(context.Background(), e, tlsprobe.Options{})
	if err != nil {
		return err
	}
	if text {
		return tlsprobe.WriteText(w, s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// probeMany probes URL N times with at most P probes at once and prints
// the wall time and peak heap, for the 1,000-endpoint goal.
func probeMany(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("probe-many", flag.ContinueOnError)
	n := fs.Int("n", 1000, "probes")
	p := fs.Int("p", 64, "probes at once")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return errors.New("usage: probe-many [-n N] [-p P] URL")
	}
	e, err := tlsprobe.ParseEndpoint(fs.Arg(0))
	if err != nil {
		return err
	}
	start := time.Now()
	sem := make(chan struct{}, *p)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for range *n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if _, err := tlsprobe.Probe(context.Background(), e, tlsprobe.Options{}); err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(w, "%d probes (%d failed) in %.1f s, %d at once; peak RSS %s\n", *n, failed,
		time.Since(start).Seconds(), *p, peakRSS())
	return nil
}

// peakRSS reads VmHWM from /proc/self/status.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	var kb int
	for _, line := range splitLines(string(b)) {
		if n, _ := fmt.Sscanf(line, "VmHWM: %d kB", &kb); n == 1 {
			return fmt.Sprintf("%d MB", kb/1024)
		}
	}
	return "unknown"
}
