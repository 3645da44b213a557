package tlsprobe

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"

	"golang.org/x/crypto/cryptobyte"
)

// hrrRandom is the ServerHello.random that marks a HelloRetryRequest:
// SHA-256 of "HelloRetryRequest" (RFC 8446 section 4.1.3).
var hrrRandom = func() []byte {
	h := sha256.Sum256([]byte("HelloRetryRequest"))
	return h[:]
}()

// serverHello is a parsed ServerHello or HelloRetryRequest.
type serverHello struct {
	version    uint16 // negotiated: supported_versions when present
	suite      uint16
	hrr        bool
	group      uint16 // key_share group (TLS 1.3) or HRR selected_group
	extensions map[uint16][]byte
}

// has reports whether the server echoed extension typ.
func (h *serverHello) has(typ uint16) bool {
	_, ok := h.extensions[typ]
	return ok
}

// parseServerHello parses the body of a ServerHello (RFC 8446 section
// 4.1.3, RFC 5246 section 7.4.1.3).
func parseServerHello(body []byte) (*serverHello, error) {
	s := cryptobyte.String(body)
	h := &serverHello{extensions: map[uint16][]byte{}}
	var random, session []byte
	var compression uint8
	if !s.ReadUint16(&h.version) || !s.ReadBytes(&random, 32) ||
		!s.ReadUint8LengthPrefixed((*cryptobyte.String)(&session)) ||
		!s.ReadUint16(&h.suite) || !s.ReadUint8(&compression) {
		return nil, fmt.Errorf("%w: short server hello", errGarbage)
	}
	h.hrr = bytes.Equal(random, hrrRandom)
	if s.Empty() {
		return h, nil // SSL 3.0 and early TLS may omit extensions
	}
	if err := h.readExtensions(&s); err != nil {
		return nil, err
	}
	return h, h.applyVersions()
}

func (h *serverHello) readExtensions(s *cryptobyte.String) error {
	var exts cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&exts) || !s.Empty() {
		return fmt.Errorf("%w: malformed server hello extensions", errGarbage)
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return fmt.Errorf("%w: malformed server hello extension", errGarbage)
		}
		if _, dup := h.extensions[typ]; dup {
			return fmt.Errorf("%w: duplicate extension %d", errGarbage, typ)
		}
		h.extensions[typ] = data
	}
	return nil
}

// applyVersions reads supported_versions and key_share: TLS 1.3 counts only
// when supported_versions selects 0x0304 (RFC 8446 section 4.2.1).
func (h *serverHello) applyVersions() error {
	if sv, ok := h.extensions[extSupportedVersions]; ok {
		if len(sv) != 2 {
			return fmt.Errorf("%w: malformed supported_versions", errGarbage)
		}
		h.version = uint16(sv[0])<<8 | uint16(sv[1])
	}
	if ks, ok := h.extensions[extKeyShare]; ok && len(ks) >= 2 {
		h.group = uint16(ks[0])<<8 | uint16(ks[1])
	}
	return nil
}

// flight is what the prober read of the server's first flight.
type flight struct {
	hello       *serverHello
	certs       [][]byte // TLS 1.2 and older Certificate, leaf first
	ocsp        []byte   // CertificateStatus OCSP response
	curve       uint16   // ServerKeyExchange named curve, for ECDHE suites
	certRequest bool     // CertificateRequest seen
	done        bool     // ServerHelloDone seen: the hello exchange completed
	alert       *alert   // alert received, if any
}

// readFlight reads the server's answer to a ClientHello: up to the
// ServerHello for TLS 1.3 and HelloRetryRequest, up to ServerHelloDone for
// older versions, or up to an alert. A flight holding a ServerHello is
// returned even when the server stops or alerts after it.
func readFlight(r io.Reader) (*flight, error) {
	rr := &recordReader{r: r}
	hs := &handshakeReader{}
	f := &flight{}
	for {
		rec, err := rr.next()
		if err != nil {
			if f.hello != nil {
				return f, nil
			}
			return nil, err
		}
		finished, err := f.consume(rec, hs)
		if err != nil || finished {
			return f, err
		}
	}
}

// consume handles one record and reports whether the flight is complete.
func (f *flight) consume(rec record, hs *handshakeReader) (bool, error) {
	switch rec.typ {
	case recordAlert:
		a, err := parseAlert(rec.payload)
		if err != nil {
			return true, err
		}
		f.alert = &a
		return true, nil
	case recordHandshake:
		hs.add(rec.payload)
		return f.messages(hs)
	case recordChangeCipherSpec:
		return false, nil
	}
	if f.hello == nil {
		return true, fmt.Errorf("%w: application data before server hello", errGarbage)
	}
	return true, nil
}

// messages handles every complete handshake message buffered in hs.
func (f *flight) messages(hs *handshakeReader) (bool, error) {
	for {
		typ, body, ok, err := hs.message()
		if err != nil || !ok {
			return false, err
		}
		done, err := f.message(typ, body)
		if err != nil || done {
			return true, err
		}
	}
}

func (f *flight) message(typ uint8, body []byte) (bool, error) {
	if f.hello == nil {
		if typ != msgServerHello {
			return true, fmt.Errorf("%w: handshake message %d before server hello", errGarbage, typ)
		}
		h, err := parseServerHello(body)
		if err != nil {
			return true, err
		}
		f.hello = h
		return h.hrr || h.version >= versionTLS13, nil
	}
	switch typ {
	case msgCertificate:
		f.certs = parseCertificates(body)
	case msgCertificateStatus:
		f.ocsp = parseCertificateStatus(body)
	case msgServerKeyExchange:
		f.curve = parseKeyExchangeCurve(body)
	case msgCertificateReq:
		f.certRequest = true
	case msgServerHelloDone:
		f.done = true
		return true, nil
	}
	return false, nil
}

// parseCertificates reads a TLS 1.2 Certificate message (RFC 5246 section
// 7.4.2); a malformed one yields what could be read.
func parseCertificates(body []byte) [][]byte {
	s := cryptobyte.String(body)
	var list cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) {
		return nil
	}
	var out [][]byte
	for !list.Empty() {
		var c cryptobyte.String
		if !list.ReadUint24LengthPrefixed(&c) {
			break
		}
		out = append(out, []byte(c))
	}
	return out
}

// parseCertificateStatus reads an OCSP CertificateStatus (RFC 6066 section 8).
func parseCertificateStatus(body []byte) []byte {
	s := cryptobyte.String(body)
	var typ uint8
	var resp cryptobyte.String
	if !s.ReadUint8(&typ) || typ != 1 || !s.ReadUint24LengthPrefixed(&resp) {
		return nil
	}
	return []byte(resp)
}

// parseKeyExchangeCurve returns the named curve of an ECDHE
// ServerKeyExchange (RFC 8422 section 5.4), or 0 for any other kind.
func parseKeyExchangeCurve(body []byte) uint16 {
	if len(body) < 3 || body[0] != 3 { // named_curve
		return 0
	}
	return uint16(body[1])<<8 | uint16(body[2])
}
