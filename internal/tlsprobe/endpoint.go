package tlsprobe

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Endpoint is one TLS endpoint to probe.
type Endpoint struct {
	// Scheme says how TLS starts: "tls" and "https" speak TLS at once;
	// "postgres" sends an SSLRequest; "smtp", "imap", "pop3" and "ldap"
	// upgrade with STARTTLS first.
	Scheme string `json:"scheme"`
	Host   string `json:"host"`
	Port   int    `json:"port"`
	// ServerName is the name sent as SNI and checked against the
	// certificate; Host when empty. An IP address is never sent as SNI.
	ServerName string `json:"server_name,omitempty"`
}

// String returns the endpoint as scheme://host:port.
func (e Endpoint) String() string {
	return e.Scheme + "://" + net.JoinHostPort(e.Host, strconv.Itoa(e.Port))
}

func (e Endpoint) serverName() string {
	if e.ServerName != "" {
		return e.ServerName
	}
	return e.Host
}

// defaultPorts are the well-known ports of each scheme.
var defaultPorts = map[string]int{
	"tls": 443, "https": 443, "postgres": 5432, "postgresql": 5432,
	"smtp": 25, "submission": 587, "imap": 143, "pop3": 110, "ldap": 389,
}

// ParseEndpoint parses tls://host:port, https://host[:port]/path,
// postgres://user@host:5432/db, smtp://host:25, imap://, pop3:// and ldap://
// addresses. A bare host:port means tls. User, password, path and query are
// dropped: an Endpoint never holds a secret.
func ParseEndpoint(raw string) (Endpoint, error) {
	if !strings.Contains(raw, "://") {
		raw = "tls://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Endpoint{}, fmt.Errorf("parsing endpoint: %w", errors.Unwrap(err))
	}
	scheme := strings.ToLower(u.Scheme)
	def, ok := defaultPorts[scheme]
	if !ok {
		return Endpoint{}, fmt.Errorf("parsing endpoint: unknown scheme %q", u.Scheme)
	}
	if scheme == "postgresql" {
		scheme = "postgres"
	}
	if scheme == "submission" {
		scheme = "smtp"
	}
	e := Endpoint{Scheme: scheme, Host: u.Hostname(), Port: def}
	if e.Host == "" {
		return Endpoint{}, errors.New("parsing endpoint: no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Endpoint{}, fmt.Errorf("parsing endpoint: bad port %q", p)
		}
		e.Port = n
	}
	if sni := u.Query().Get("sni"); sni != "" && scheme != "postgres" {
		e.ServerName = sni
	}
	return e, nil
}

// Options tune a probe.
type Options struct {
	// ConnTimeout bounds each connection, STARTTLS included; 5 s when zero.
	ConnTimeout time.Duration
	// Parallel bounds the connections open at once to one endpoint; 4 when
	// zero.
	Parallel int
	// CAFile is a PEM bundle of trusted roots; the system roots when empty.
	CAFile string
	// Profile is "hipaa" (the default) or "pq-ready", under which missing
	// post-quantum key exchange fails instead of being reported as a fact.
	Profile string
}

func (o Options) withDefaults() Options {
	if o.ConnTimeout <= 0 {
		o.ConnTimeout = defaultConnTimeout
	}
	if o.Parallel <= 0 {
		o.Parallel = defaultParallel
	}
	if o.Profile == "" {
		o.Profile = ProfileHIPAA
	}
	return o
}

// Profiles of Options.Profile.
const (
	ProfileHIPAA   = "hipaa"
	ProfilePQReady = "pq-ready"
)
