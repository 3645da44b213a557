package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kollguard/kollguard/internal/redact"

	"gopkg.in/yaml.v3"
)

var (
	targetName = regexp.MustCompile(`^[a-z0-9._-]+$`)
	envName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// target reads one entry of targets. Pos.Line is 0 when n is no mapping.
func (p *parser) target(n *yaml.Node, key string) Target {
	e, ok := p.mapping(n, key, "name", "url", "path", "password_env", "break_glass_role",
		"session_cookies", "idle_limit", "protected_paths", "http_url",
		"app_roles", "tenant_columns", "ephi", "audit_tables")
	if !ok {
		return Target{}
	}
	t := Target{
		Name:           e.required("name", "missing: every target needs a name"),
		URL:            e.str("url"),
		Path:           e.str("path"),
		PasswordEnv:    e.str("password_env"),
		BreakGlassRole: e.str("break_glass_role"),
		SessionCookies: e.strs("session_cookies"),
		ProtectedPaths: e.strs("protected_paths"),
		HTTPURL:        e.str("http_url"),
		AppRoles:       e.strs("app_roles"),
		TenantColumns:  e.strs("tenant_columns"),
		EPHI:           p.ephiScope(e),
		AuditTables:    e.patterns("audit_tables", 2),
		Pos:            Pos{File: p.file, Line: n.Line},
	}
	if (t.URL == "") == (t.Path == "") {
		p.add(n.Line, key, "a target has either a url (a server or endpoint) or a path "+
			"(a directory or file to read), not both or neither")
	}
	if s := e.str("idle_limit"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			p.addf(e.line("idle_limit"), join(key, "idle_limit"),
				"%s is not a duration such as 15m", quote(s))
		}
		t.IdleLimit = d
	}
	if t.Name != "" && !validName(t.Name) {
		p.addf(e.line("name"), join(key, "name"),
			"%s is not a target name: use lower-case letters, digits, '.', '_' and '-'",
			quote(t.Name))
	}
	if t.URL != "" {
		if msg := checkURL(t.URL); msg != "" {
			p.add(e.line("url"), join(key, "url"), msg)
			t.URL = "" // never keep a URL that may hold a password
		}
	}
	if t.PasswordEnv != "" && !envName.MatchString(t.PasswordEnv) {
		p.addf(e.line("password_env"), join(key, "password_env"),
			"%s is not an environment variable name", quote(t.PasswordEnv))
	}
	return t
}

func validName(s string) bool {
	return targetName.MatchString(s) &&
		strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz0123456789")
}

// schemes are the URL schemes a target may use: a PostgreSQL server, a TLS
// endpoint (directly or through STARTTLS) or a web application.
var schemes = []string{"postgres", "postgresql", "tls", "https", "smtp", "submission", "imap",
	"pop3", "ldap"}

const passwordMsg = "url contains a password: use PGPASSWORD, a pgpass file or password_env"

// checkURL returns what is wrong with a target URL, or "". Its messages
// never repeat the URL, which may hold a password.
func checkURL(s string) string {
	if redact.HasURLPassword(s) {
		return passwordMsg
	}
	u, err := url.Parse(s)
	if err != nil {
		return "url is not a valid URL: write it as postgres://user@host:5432/db"
	}
	if _, err := url.ParseQuery(u.RawQuery); err != nil {
		return "url has an invalid query: " +
			"write it as postgres://user@host:5432/db?sslmode=verify-full"
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "":
		return "url has no scheme: write it as postgres://user@host:5432/db"
	case !slices.Contains(schemes, scheme):
		return fmt.Sprintf("url scheme %s is not supported: use %s", quote(u.Scheme),
			strings.Join(schemes, "://, ")+"://")
	case u.Opaque != "":
		return "url is not a valid URL: write it as postgres://user@host:5432/db"
	}
	return ""
}
