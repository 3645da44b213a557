package tlsprobe

import (
	"errors"
	"fmt"
	"io"
)

// Limits that keep a hostile server from making the prober buffer without
// end: a record may carry 2^14 bytes plus expansion (RFC 8446 section 5.2),
// a handshake message here at most maxMessage, a flight at most maxFlight.
const (
	maxRecord  = 16384 + 2048
	maxMessage = 1 << 18
	maxFlight  = 1 << 20
)

// Errors of reading a server's answer. Callers branch on them with errors.Is.
var (
	// errClosed: the server closed the connection without sending a byte.
	errClosed = errors.New("connection closed before any answer")
	// errGarbage: the bytes received are not TLS records.
	errGarbage = errors.New("answer is not TLS")
	// errTruncated: the server stopped in the middle of a record or message.
	errTruncated = errors.New("answer truncated")
)

// alert is a TLS alert (RFC 8446 section 6).
type alert struct {
	level, desc uint8
}

// Alert descriptions the prober interprets.
const (
	alertHandshakeFailure    uint8 = 40
	alertProtocolVersion     uint8 = 70
	alertInappropriateFallbk uint8 = 86
	alertCertificateRequired uint8 = 116
)

func (a alert) String() string {
	if n, ok := alertNames[a.desc]; ok {
		return n
	}
	return fmt.Sprintf("alert %d", a.desc)
}

var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
	40: "handshake_failure", 42: "bad_certificate", 47: "illegal_parameter",
	50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
	71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback",
	90: "user_canceled", 109: "missing_extension", 110: "unsupported_extension",
	112: "unrecognized_name", 116: "certificate_required", 120: "no_application_protocol",
}

// recordReader splits a byte stream into TLS records, refusing anything
// that does not look like one.
type recordReader struct {
	r    io.Reader
	read int // bytes consumed so far, bounded by maxFlight
}

// record is one TLS record: content type, version and payload.
type record struct {
	typ     uint8
	version uint16
	payload []byte
}

// next reads one record. It returns errClosed when the stream ends before
// its first byte, errTruncated when it ends inside a record, and errGarbage
// when the header is not a TLS record header.
func (rr *recordReader) next() (record, error) {
	var hdr [5]byte
	n, err := io.ReadFull(rr.r, hdr[:])
	if err != nil {
		return record{}, rr.eofError(n, err)
	}
	rec := record{typ: hdr[0], version: uint16(hdr[1])<<8 | uint16(hdr[2])}
	length := int(hdr[3])<<8 | int(hdr[4])
	if rec.typ < recordChangeCipherSpec || rec.typ > recordApplicationData ||
		hdr[1] != 3 || length > maxRecord {
		return record{}, fmt.Errorf("%w: record header % x", errGarbage, hdr)
	}
	rr.read += 5 + length
	if rr.read > maxFlight {
		return record{}, fmt.Errorf("%w: flight exceeds %d bytes", errGarbage, maxFlight)
	}
	rec.payload = make([]byte, length)
	if _, err := io.ReadFull(rr.r, rec.payload); err != nil {
		return record{}, rr.eofError(1, err)
	}
	return rec, nil
}

// eofError maps the end of the stream after n bytes of a read to the
// package's errors; other errors (timeouts, resets) pass through.
func (rr *recordReader) eofError(n int, err error) error {
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	if rr.read == 0 && n == 0 {
		return errClosed
	}
	return errTruncated
}

// handshakeReader reassembles handshake messages from records, which may
// split or coalesce them (RFC 8446 section 5.1).
type handshakeReader struct {
	buf []byte
}

// add appends a handshake record's payload.
func (h *handshakeReader) add(p []byte) { h.buf = append(h.buf, p...) }

// message returns the next complete message, ok false when more bytes are
// needed, or an error when the message claims an absurd length.
func (h *handshakeReader) message() (typ uint8, body []byte, ok bool, err error) {
	if len(h.buf) < 4 {
		return 0, nil, false, nil
	}
	length := int(h.buf[1])<<16 | int(h.buf[2])<<8 | int(h.buf[3])
	if length > maxMessage {
		return 0, nil, false, fmt.Errorf("%w: handshake message of %d bytes", errGarbage, length)
	}
	if len(h.buf) < 4+length {
		return 0, nil, false, nil
	}
	typ, body = h.buf[0], h.buf[4:4+length]
	h.buf = h.buf[4+length:]
	return typ, body, true, nil
}

// parseAlert reads an alert record's payload.
func parseAlert(p []byte) (alert, error) {
	if len(p) != 2 {
		return alert{}, fmt.Errorf("%w: alert of %d bytes", errGarbage, len(p))
	}
	return alert{level: p[0], desc: p[1]}, nil
}
