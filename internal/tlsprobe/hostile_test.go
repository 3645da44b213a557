package tlsprobe

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
	"golang.org/x/crypto/cryptobyte"
)

// serveRaw starts a loopback server that hands each connection to fn.
func serveRaw(t *testing.T, fn func(net.Conn)) Endpoint {
	t.Helper()
	return serve(t, 5*time.Second, fn)
}

// readHello reads one ClientHello record and returns its first suite and
// its version (TLS 1.3 when it offers supported_versions).
func readHello(c net.Conn) (suite, version uint16, ok bool) {
	f, err := readClientHello(c)
	if err != nil {
		return 0, 0, false
	}
	return f.suites[0], f.version, len(f.suites) > 0
}

type clientHello struct {
	version uint16
	suites  []uint16
	exts    map[uint16][]byte
	length  int // handshake message length, header included
}

// readClientHello parses the prober's own hello the way a server would.
func readClientHello(r io.Reader) (*clientHello, error) {
	rec, err := (&recordReader{r: r}).next()
	if err != nil {
		return nil, err
	}
	return parseClientHello(rec.payload)
}

func parseClientHello(p []byte) (*clientHello, error) {
	h := &clientHello{exts: map[uint16][]byte{}, length: len(p)}
	s := cryptobyte.String(p)
	var typ uint8
	var body, random, sid, suites, comp, exts cryptobyte.String
	if !s.ReadUint8(&typ) || !s.ReadUint24LengthPrefixed(&body) ||
		!body.ReadUint16(&h.version) || !body.ReadBytes((*[]byte)(&random), 32) ||
		!body.ReadUint8LengthPrefixed(&sid) || !body.ReadUint16LengthPrefixed(&suites) ||
		!body.ReadUint8LengthPrefixed(&comp) {
		return nil, errGarbage
	}
	for !suites.Empty() {
		var c uint16
		suites.ReadUint16(&c)
		h.suites = append(h.suites, c)
	}
	if body.ReadUint16LengthPrefixed(&exts) {
		for !exts.Empty() {
			var typ uint16
			var data cryptobyte.String
			if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
				return nil, errGarbage
			}
			h.exts[typ] = data
		}
	}
	if _, ok := h.exts[extSupportedVersions]; ok {
		h.version = versionTLS13
	}
	return h, nil
}

// serverHelloThenAlert answers a TLS 1.2-style ServerHello choosing the
// first offered suite, then a fatal alert.
func serverHelloThenAlert(c net.Conn) {
	suite, version, ok := readHello(c)
	if !ok {
		return
	}
	if version > versionTLS12 {
		version = versionTLS12
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddUint8(recordHandshake)
	b.AddUint16(versionTLS12)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(msgServerHello)
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint16(version)
			b.AddBytes(make([]byte, 32))
			b.AddUint8(0)
			b.AddUint16(suite)
			b.AddUint8(0)
		})
	})
	_, _ = c.Write(append(b.BytesOrPanic(), recordAlert, 3, 3, 0, 2, 2, alertHandshakeFailure))
}

func TestHostileServersCostBoundedTime(t *testing.T) {
	tests := []struct {
		name  string
		serve func(net.Conn)
	}{
		{"a server that accepts and stays silent", func(c net.Conn) {
			_, _ = io.Copy(io.Discard, c)
		}},
		{"a server that drips bytes slowly", func(c net.Conn) {
			for _, b := range []byte{22, 3, 3, 0, 80, 2, 0, 0, 76} {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(300 * time.Millisecond)
			}
		}},
		{"a server that answers with garbage", func(c net.Conn) {
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n" + string(make([]byte, 4096))))
		}},
		{"a server that closes at once", func(c net.Conn) {}},
		{"a server that claims a huge record", func(c net.Conn) {
			_, _ = c.Write([]byte{22, 3, 3, 0xff, 0xff})
		}},
		{"a server that answers a hello and then alerts", serverHelloThenAlert},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := serveRaw(t, tt.serve)
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := Probe(ctx, e, Options{ConnTimeout: 700 * time.Millisecond})
			took := time.Since(start)
			if took > 8*time.Second {
				t.Errorf("probe took %v, want a bounded few seconds", took)
			}
			var fs []check.Finding
			if err != nil {
				fs = Unreachable("t", err)
			} else {
				fs = Evaluate(s, "t", Options{})
			}
			if got := len(statuses(fs)); got != len(Checks()) {
				t.Errorf("%d checks reported, want %d", got, len(Checks()))
			}
			t.Logf("took %v; tls.enabled %s", took, statuses(fs)["tls.enabled"])
		})
	}
}

func TestSilentServerIsUnknownNotAbsent(t *testing.T) {
	t.Parallel()
	e := serveRaw(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c) })
	s := probeOK(t, e, Options{ConnTimeout: 500 * time.Millisecond})
	got := statuses(Evaluate(s, "t", Options{}))
	for id, st := range got {
		if st != check.Unknown {
			t.Errorf("%s: %s, want unknown", id, st)
		}
	}
}

func TestClosedPortIsUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := loopback(ln, "tls")
	ln.Close()
	_, err = Probe(context.Background(), e, Options{ConnTimeout: time.Second})
	if err == nil {
		t.Fatal("probe of a closed port succeeded")
	}
	for _, f := range Unreachable("t", err) {
		if f.Status != check.Error {
			t.Errorf("%s: %s, want error", f.Check, f.Status)
		}
	}
}

func TestServerThatResetsUnderParallelLoadIsStillEnumerated(t *testing.T) {
	t.Parallel()
	pki := newPKI(t)
	suites := []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.issue(t, certSpec{})},
		MaxVersion: tls.VersionTLS12, CipherSuites: suites}
	var active atomic.Int32
	e := serveRaw(t, func(c net.Conn) {
		defer active.Add(-1)
		if active.Add(1) > 2 {
			c.(*net.TCPConn).SetLinger(0) // close with a reset
			return
		}
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			_, _ = tc.Read(make([]byte, 1))
		}
	})
	s := probeOK(t, e, Options{CAFile: pki.caFile, Parallel: 4})
	if d := cmp.Diff(sorted(suites), suiteSet(s, "TLSv1.2")); d != "" {
		t.Errorf("TLS 1.2 suites (-want +got):\n%s\nerrors: %v", d, s.Errors)
	}
	for _, v := range s.Versions {
		if v.Status == VersionUnknown {
			t.Errorf("%s unknown: %s", v.Name, v.Detail)
		}
	}
}

func TestSlowButValidServerCostsBoundedTime(t *testing.T) {
	t.Parallel()
	pki := newPKI(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.issue(t, certSpec{})}}
	e := serveRaw(t, func(c net.Conn) {
		time.Sleep(180 * time.Millisecond)
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			_, _ = tc.Read(make([]byte, 1))
		}
	})
	start := time.Now()
	s, err := Probe(context.Background(), e, Options{ConnTimeout: 200 * time.Millisecond,
		Parallel: 1, CAFile: pki.caFile})
	if took := time.Since(start); took > budgetFactor*200*time.Millisecond+time.Second {
		t.Errorf("probe took %v, beyond its budget", took)
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.version(versionTLS13) != Offered {
		t.Errorf("TLS 1.3 %s, want offered: the first answers arrive within the budget",
			s.version(versionTLS13))
	}
	fs := Evaluate(s, "t", Options{})
	if len(statuses(fs)) != len(Checks()) {
		t.Errorf("%d checks reported, want %d", len(statuses(fs)), len(Checks()))
	}
}
