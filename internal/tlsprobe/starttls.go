package tlsprobe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

// ErrNoTLS reports that the endpoint answered and said it does not offer
// TLS: PostgreSQL's 'N' to an SSLRequest, an SMTP server without STARTTLS.
var ErrNoTLS = errors.New("endpoint does not offer TLS")

// ErrThrottled reports that a server turned the connection away for now
// (SMTP 421 or 454, IMAP BYE, LDAP busy): the result is inconclusive, never
// a sign that TLS is absent.
var ErrThrottled = errors.New("server throttled the connection")

// maxLines bounds a multi-line reply, so a chatty server costs bounded work.
const maxLines = 64

// startTLS performs the plaintext exchange that precedes the TLS hello of
// e's scheme. Each command waits for the reply to the one before it.
func startTLS(c net.Conn, e Endpoint) error {
	switch e.Scheme {
	case "postgres":
		return postgresSSLRequest(c)
	case "smtp":
		return smtpStartTLS(c)
	case "imap":
		return imapStartTLS(c)
	case "pop3":
		return pop3StartTLS(c)
	case "ldap":
		return ldapStartTLS(c)
	}
	return nil
}

// postgresSSLRequest sends the SSLRequest message (PostgreSQL protocol,
// "SSL Session Encryption"); the server answers one byte, 'S' or 'N'.
func postgresSSLRequest(c net.Conn) error {
	req := []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f} // length 8, code 80877103
	if _, err := c.Write(req); err != nil {
		return fmt.Errorf("postgres ssl request: %w", err)
	}
	var b [1]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return fmt.Errorf("postgres ssl request: %w", err)
	}
	switch b[0] {
	case 'S':
		return nil
	case 'N':
		return fmt.Errorf("postgres: %w", ErrNoTLS)
	case 'E':
		return fmt.Errorf("postgres: server sent an error: %w", ErrThrottled)
	}
	return fmt.Errorf("postgres ssl request: %w: byte 0x%02x", errGarbage, b[0])
}

// smtpStartTLS follows RFC 3207: greeting, EHLO, STARTTLS.
func smtpStartTLS(c net.Conn) error {
	r := bufio.NewReaderSize(c, 4096)
	code, _, err := smtpReply(r)
	if err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	if err := smtpCode(code, 220, "greeting"); err != nil {
		return err
	}
	if _, err := io.WriteString(c, "EHLO kollguard.invalid\r\n"); err != nil {
		return err
	}
	code, lines, err := smtpReply(r)
	if err != nil {
		return fmt.Errorf("smtp ehlo: %w", err)
	}
	if err := smtpCode(code, 250, "ehlo"); err != nil {
		return err
	}
	if !hasLine(lines, "STARTTLS") {
		return fmt.Errorf("smtp: no STARTTLS in EHLO reply: %w", ErrNoTLS)
	}
	if _, err := io.WriteString(c, "STARTTLS\r\n"); err != nil {
		return err
	}
	code, _, err = smtpReply(r)
	if err != nil {
		return fmt.Errorf("smtp starttls: %w", err)
	}
	return smtpCode(code, 220, "starttls")
}

// smtpCode maps a reply code: 4xx is temporary (RFC 5321 section 4.2.1).
func smtpCode(code, want int, step string) error {
	switch {
	case code == want:
		return nil
	case code >= 400 && code < 500:
		return fmt.Errorf("smtp %s: reply %d: %w", step, code, ErrThrottled)
	case step == "starttls" && code >= 500:
		return fmt.Errorf("smtp %s: reply %d: %w", step, code, ErrNoTLS)
	}
	return fmt.Errorf("smtp %s: %w: reply %d", step, errGarbage, code)
}

// smtpReply reads one possibly multi-line reply ("250-...", "250 ...").
func smtpReply(r *bufio.Reader) (int, []string, error) {
	var lines []string
	for range maxLines {
		line, err := readLine(r)
		if err != nil {
			return 0, lines, err
		}
		if len(line) < 3 {
			return 0, lines, fmt.Errorf("%w: short reply line", errGarbage)
		}
		var code int
		if _, err := fmt.Sscanf(line[:3], "%d", &code); err != nil {
			return 0, lines, fmt.Errorf("%w: reply without code", errGarbage)
		}
		lines = append(lines, strings.TrimSpace(line[min(4, len(line)):]))
		if len(line) == 3 || line[3] != '-' {
			return code, lines, nil
		}
	}
	return 0, lines, fmt.Errorf("%w: reply longer than %d lines", errGarbage, maxLines)
}

func hasLine(lines []string, word string) bool {
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && strings.EqualFold(f[0], word) {
			return true
		}
	}
	return false
}

// readLine reads a CRLF-terminated line of at most the reader's buffer.
func readLine(r *bufio.Reader) (string, error) {
	b, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return "", fmt.Errorf("%w: line too long", errGarbage)
	}
	if err != nil {
		return "", err
	}
	return string(bytes.TrimRight(b, "\r\n")), nil
}

// imapStartTLS follows RFC 3501 section 6.2.1 (and RFC 2595).
func imapStartTLS(c net.Conn) error {
	r := bufio.NewReaderSize(c, 4096)
	greet, err := readLine(r)
	if err != nil {
		return fmt.Errorf("imap greeting: %w", err)
	}
	if strings.HasPrefix(greet, "* BYE") {
		return fmt.Errorf("imap greeting: %w", ErrThrottled)
	}
	if !strings.HasPrefix(greet, "* OK") {
		return fmt.Errorf("imap greeting: %w", errGarbage)
	}
	if _, err := io.WriteString(c, "k1 STARTTLS\r\n"); err != nil {
		return err
	}
	for range maxLines {
		line, err := readLine(r)
		if err != nil {
			return fmt.Errorf("imap starttls: %w", err)
		}
		switch {
		case strings.HasPrefix(line, "k1 OK"):
			return nil
		case strings.HasPrefix(line, "k1 "):
			return fmt.Errorf("imap starttls: %s: %w", line, ErrNoTLS)
		}
	}
	return fmt.Errorf("imap starttls: %w: no tagged reply", errGarbage)
}

// pop3StartTLS follows RFC 2595 section 4.
func pop3StartTLS(c net.Conn) error {
	r := bufio.NewReaderSize(c, 4096)
	greet, err := readLine(r)
	if err != nil {
		return fmt.Errorf("pop3 greeting: %w", err)
	}
	if !strings.HasPrefix(greet, "+OK") {
		return fmt.Errorf("pop3 greeting: %w", ErrThrottled)
	}
	if _, err := io.WriteString(c, "STLS\r\n"); err != nil {
		return err
	}
	line, err := readLine(r)
	if err != nil {
		return fmt.Errorf("pop3 stls: %w", err)
	}
	if !strings.HasPrefix(line, "+OK") {
		return fmt.Errorf("pop3 stls: %w", ErrNoTLS)
	}
	return nil
}

// ldapStartTLS sends the StartTLS extended request (RFC 4511 section
// 4.14.1) and reads the resultCode of the extended response.
func ldapStartTLS(c net.Conn) error {
	oid := "1.3.6.1.4.1.1466.20037"
	req := []byte{0x30, byte(7 + len(oid)), 0x02, 0x01, 0x01,
		0x77, byte(2 + len(oid)), 0x80, byte(len(oid))}
	if _, err := c.Write(append(req, oid...)); err != nil {
		return fmt.Errorf("ldap starttls: %w", err)
	}
	n, err := berSequenceLength(c)
	if err != nil {
		return fmt.Errorf("ldap starttls: %w", err)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c, body); err != nil {
		return fmt.Errorf("ldap starttls: %w", err)
	}
	return ldapResult(body)
}

// maxLDAPResponse bounds the extended response read; a real one is a few
// dozen bytes.
const maxLDAPResponse = 4096

// berSequenceLength reads a BER SEQUENCE header and returns its length, in
// the short form or the long form of up to four length bytes that servers
// such as Active Directory send (X.690 section 8.1.3).
func berSequenceLength(r io.Reader) (int, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, err
	}
	if hdr[0] != 0x30 {
		return 0, errGarbage
	}
	if hdr[1] < 0x80 {
		return int(hdr[1]), nil
	}
	octets := int(hdr[1] & 0x7f)
	if octets == 0 || octets > 4 {
		return 0, errGarbage
	}
	var buf [4]byte
	if _, err := io.ReadFull(r, buf[:octets]); err != nil {
		return 0, err
	}
	n := 0
	for _, b := range buf[:octets] {
		n = n<<8 | int(b)
	}
	if n > maxLDAPResponse {
		return 0, errGarbage
	}
	return n, nil
}

// ldapResult finds the resultCode ENUMERATED of an ExtendedResponse.
func ldapResult(body []byte) error {
	i := bytes.Index(body, []byte{0x0a, 0x01})
	if i < 0 || i+2 >= len(body) {
		return fmt.Errorf("ldap starttls: %w: no result code", errGarbage)
	}
	switch code := body[i+2]; code {
	case 0:
		return nil
	case 51, 52: // busy, unavailable
		return fmt.Errorf("ldap starttls: result %d: %w", code, ErrThrottled)
	default:
		return fmt.Errorf("ldap starttls: result %d: %w", code, ErrNoTLS)
	}
}
