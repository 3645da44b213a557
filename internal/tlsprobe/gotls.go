package tlsprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"time"
)

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
