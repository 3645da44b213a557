package tlsprobe

import (
	"context"
	"fmt"
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
