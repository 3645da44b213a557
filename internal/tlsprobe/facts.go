package tlsprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"
)

// fillFacts reads the certificate and the yes/no facts from the flights
// already seen and the crypto/tls handshake, and tests TLS_FALLBACK_SCSV.
func (p *prober) fillFacts(ctx context.Context, s *Snapshot, rs map[uint16]versionResult,
	gr goResult) {
	v12, f := newest12(rs)
	if f != nil && f.hello != nil {
		s.Facts.SecureRenegotiation = boolp(f.hello.has(extRenegotiationInfo))
		s.Facts.ExtendedMasterSecret = boolp(f.hello.has(extExtendedMaster))
	}
	p.fillCertificate(s, v12, f, gr)
	if gr.err == nil || gr.required {
		s.Facts.ClientCertRequested = boolp(gr.requested)
		s.Facts.ClientCertRequired = boolp(gr.required)
	} else if f != nil {
		s.Facts.ClientCertRequested = boolp(f.certRequest)
	}
	s.Facts.FallbackSCSV = p.fallback(ctx, rs)
}

// fillCertificate prefers the chain crypto/tls saw (the one a modern client
// gets) and falls back to the raw TLS 1.2-or-older Certificate message.
func (p *prober) fillCertificate(s *Snapshot, v12 uint16, f *flight, gr goResult) {
	chain, source := gr.chain, "crypto/tls "+versionName(gr.version)
	if len(chain) == 0 && f != nil {
		chain, source = f.certs, versionName(v12)+" handshake"
	}
	stapled := len(gr.ocsp) > 0 || (f != nil && len(f.ocsp) > 0)
	if len(chain) == 0 {
		s.Errors = append(s.Errors, "certificate: none received")
		if gr.err != nil {
			s.Errors = append(s.Errors, "crypto/tls handshake: "+describe(gr.err))
		}
		return
	}
	s.Facts.OCSPStapled = boolp(stapled)
	c, err := certFacts(chain, p.ep.serverName(), p.opts.CAFile, time.Now())
	if err != nil {
		s.Errors = append(s.Errors, "certificate: "+err.Error())
	}
	if c != nil {
		c.Source = source
	}
	s.Certificate = c
}

// fallback offers the second-newest version with TLS_FALLBACK_SCSV (RFC
// 7507 section 3): a server that knows a newer version must refuse with
// inappropriate_fallback. Nil when fewer than two versions are offered.
func (p *prober) fallback(ctx context.Context, rs map[uint16]versionResult) *bool {
	vs := offeredBelow(rs)
	if len(vs) < 2 {
		return nil
	}
	low := vs[1]
	spec := specFor(low, rs[low].suites)
	spec.fallback = true
	a := p.exchange(ctx, spec)
	switch {
	case a.accepted():
		return boolp(false)
	case a.f != nil && a.f.alert != nil && a.f.alert.desc == alertInappropriateFallbk:
		return boolp(true)
	case a.err != nil:
		return nil
	}
	return boolp(false)
}

// String summarises the snapshot in one line, for logs.
func (s *Snapshot) String() string {
	return fmt.Sprintf("%s: %d versions offered, %d groups, %d connections in %d ms",
		s.Endpoint, len(s.offered()), len(s.Groups), s.Connections, s.DurationMS)
}

// goResult is what one crypto/tls handshake taught: the chain and OCSP
// staple a modern client sees (TLS 1.3 hides them from the raw prober), and
// whether the server asks for or requires a client certificate.
type goResult struct {
	chain     [][]byte
	ocsp      []byte
	version   uint16
	requested bool
	required  bool
	err       error
}

// allGoSuites lists every suite crypto/tls implements, insecure ones too,
// so that the handshake reaches servers that offer nothing better.
func allGoSuites() []uint16 {
	var out []uint16
	for _, s := range tls.CipherSuites() {
		out = append(out, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		out = append(out, s.ID)
	}
	return out
}

// goHandshake runs one crypto/tls client handshake that sends an empty
// certificate when asked for one. Verification is off on purpose: certFacts
// judges the chain against the configured roots and reports what fails.
func (p *prober) goHandshake(ctx context.Context) goResult {
	var r goResult
	cfg := &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // the chain is judged by certFacts
		ServerName:         p.sni,
		MinVersion:         tls.VersionTLS10,
		CipherSuites:       allGoSuites(),
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			r.requested = true
			return &tls.Certificate{}, nil
		},
		VerifyConnection: func(st tls.ConnectionState) error {
			for _, c := range st.PeerCertificates {
				r.chain = append(r.chain, c.Raw)
			}
			r.ocsp, r.version = st.OCSPResponse, st.Version
			return nil
		},
	}
	err := p.withConn(ctx, func(c net.Conn) error {
		tc := tls.Client(c, cfg)
		err := tc.HandshakeContext(ctx)
		if err == nil && r.requested && r.version == tls.VersionTLS13 {
			err = awaitRejection(tc)
		}
		return err
	})
	if r.requested && remoteAlert(err) {
		r.required = true
		err = nil
	}
	r.err = err
	return r
}

// awaitRejection reads briefly after a TLS 1.3 handshake that sent an empty
// certificate: a server requiring one answers with an alert (RFC 8446
// section 4.4.2.4), which the read returns. Silence means it accepted.
func awaitRejection(tc *tls.Conn) error {
	_ = tc.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var b [1]byte
	_, err := tc.Read(b[:])
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	if remoteAlert(err) {
		return err
	}
	return nil
}

// remoteAlert reports whether err is an alert the server sent; crypto/tls
// reports those as a net.OpError with Op "remote error".
func remoteAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}
