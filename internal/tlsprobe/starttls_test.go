package tlsprobe

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/pgcluster"
)

// smtpServer is a tiny SMTP server: greeting, EHLO, then STARTTLS into
// crypto/tls. greeting and starttls say what it answers.
func smtpServer(cfg *tls.Config, greeting string, offerTLS bool) func(net.Conn) {
	return func(c net.Conn) {
		r := bufio.NewReader(c)
		io.WriteString(c, greeting+"\r\n")
		if !strings.HasPrefix(greeting, "220") {
			return
		}
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"):
				ext := "250 SIZE 1000000\r\n"
				if offerTLS {
					ext = "250-SIZE 1000000\r\n250 STARTTLS\r\n"
				}
				io.WriteString(c, "250-mail.test greets you\r\n"+ext)
			case cmd == "STARTTLS" && offerTLS:
				io.WriteString(c, "220 2.0.0 ready\r\n")
				tc := tls.Server(c, cfg)
				if tc.Handshake() == nil {
					_, _ = tc.Read(make([]byte, 1))
				}
				return
			default:
				io.WriteString(c, "502 5.5.1 unrecognised\r\n")
			}
		}
	}
}

// lineServer greets, waits for one command line and, when it is want,
// answers ok and speaks TLS; otherwise it answers no.
func lineServer(cfg *tls.Config, greeting, want, ok, no string) func(net.Conn) {
	return func(c net.Conn) {
		io.WriteString(c, greeting+"\r\n")
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimSpace(line) != want {
			io.WriteString(c, no+"\r\n")
			return
		}
		io.WriteString(c, ok+"\r\n")
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			_, _ = tc.Read(make([]byte, 1))
		}
	}
}

// ldapServer answers a StartTLS extended request with resultCode code, its
// length in BER's short form.
func ldapServer(cfg *tls.Config, code byte) func(net.Conn) {
	return ldapServerLong(cfg, code, false)
}

// ldapServerLong answers as Active Directory does when long is set: the
// response's length in BER's four-byte long form.
func ldapServerLong(cfg *tls.Config, code byte, long bool) func(net.Conn) {
	return func(c net.Conn) {
		var hdr [2]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		if _, err := io.ReadFull(c, make([]byte, hdr[1])); err != nil {
			return
		}
		// LDAPMessage { messageID 1, extendedResp { resultCode, "", "" } }
		head := []byte{0x30, 0x0c}
		if long {
			head = []byte{0x30, 0x84, 0x00, 0x00, 0x00, 0x0c}
		}
		c.Write(append(head, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, code,
			0x04, 0x00, 0x04, 0x00))
		if code != 0 {
			return
		}
		tc := tls.Server(c, cfg)
		if tc.Handshake() == nil {
			_, _ = tc.Read(make([]byte, 1))
		}
	}
}

// postgresAnswer answers an SSLRequest with b, then speaks TLS after 'S'.
func postgresAnswer(cfg *tls.Config, b byte) func(net.Conn) {
	return func(c net.Conn) {
		req := make([]byte, 8)
		if _, err := io.ReadFull(c, req); err != nil {
			return
		}
		c.Write([]byte{b})
		if b == 'S' {
			tc := tls.Server(c, cfg)
			if tc.Handshake() == nil {
				_, _ = tc.Read(make([]byte, 1))
			}
		}
	}
}

func TestStartTLS(t *testing.T) {
	pki := newPKI(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.issue(t, certSpec{})}}
	tests := []struct {
		name    string
		scheme  string
		serve   func(net.Conn)
		enabled check.Status
		tls13   bool
	}{
		{"an SMTP server with STARTTLS is probed through it", "smtp",
			smtpServer(cfg, "220 mail.test ESMTP", true), check.Pass, true},
		{"an SMTP server without STARTTLS does not offer TLS", "smtp",
			smtpServer(cfg, "220 mail.test ESMTP", false), check.Fail, false},
		{"an SMTP server that throttles is inconclusive, not without TLS", "smtp",
			smtpServer(cfg, "421 4.7.0 too many connections", true), check.Unknown, false},
		{"an IMAP server upgrades with STARTTLS", "imap",
			lineServer(cfg, "* OK IMAP4rev1 ready", "k1 STARTTLS", "k1 OK begin TLS",
				"k1 BAD"), check.Pass, true},
		{"an IMAP server refusing STARTTLS does not offer TLS", "imap",
			lineServer(cfg, "* OK IMAP4rev1 ready", "none", "", "k1 NO no TLS here"),
			check.Fail, false},
		{"a POP3 server upgrades with STLS", "pop3",
			lineServer(cfg, "+OK POP3 ready", "STLS", "+OK begin TLS", "-ERR"), check.Pass, true},
		{"an LDAP server upgrades with the StartTLS extended operation", "ldap",
			ldapServer(cfg, 0), check.Pass, true},
		{"an LDAP server that sends BER long-form lengths, as Active Directory does, upgrades",
			"ldap", ldapServerLong(cfg, 0, true), check.Pass, true},
		{"an LDAP server that is busy is inconclusive", "ldap",
			ldapServer(cfg, 51), check.Unknown, false},
		{"a PostgreSQL SSLRequest answered 'S' leads to TLS", "postgres",
			postgresAnswer(cfg, 'S'), check.Pass, true},
		{"a PostgreSQL SSLRequest answered 'N' means no TLS", "postgres",
			postgresAnswer(cfg, 'N'), check.Fail, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := serveRaw(t, tt.serve)
			e.Scheme = tt.scheme
			s := probeOK(t, e, Options{CAFile: pki.caFile, ConnTimeout: 2 * time.Second})
			got := statuses(Evaluate(s, "t", Options{}))
			if got["tls.enabled"] != tt.enabled {
				t.Errorf("tls.enabled %s, want %s; errors %v", got["tls.enabled"], tt.enabled,
					s.Errors)
			}
			if tt.tls13 && s.version(versionTLS13) != Offered {
				t.Errorf("TLS 1.3 %s, want offered", s.version(versionTLS13))
			}
		})
	}
}

func TestProbeRealPostgreSQL(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{TLS: true,
		Settings: map[string]string{"ssl_min_protocol_version": "TLSv1.2"}})
	if err != nil {
		t.Fatalf("starting PostgreSQL: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	raw := "postgres://kollguard@localhost:" + strconv.Itoa(c.Port()) + "/postgres"
	e, err := ParseEndpoint(raw)
	if err != nil {
		t.Fatal(err)
	}
	e.Host = c.Host()
	e.ServerName = "localhost"
	s := probeOK(t, e, Options{})
	got := statuses(Evaluate(s, "t", Options{}))
	want := map[string]check.Status{"tls.enabled": check.Pass,
		"tls.protocol.legacy-disabled": check.Pass, "tls.protocol.tls13": check.Pass,
		"tls.cert.trusted": check.Fail, "tls.cert.hostname": check.Pass}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("%s: %s, want %s", id, got[id], st)
		}
	}
	t.Log(s)
}
