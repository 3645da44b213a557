// Package scan turns targets into findings: it parses targets from the
// command line and the config, runs each target's collector concurrently
// with a deadline, and evaluates the target's checks on the snapshot. A
// target that cannot be reached yields error findings for every check of its
// kind; the other targets are still scanned.
package scan

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kollguard/kollguard/internal/config"
	"github.com/kollguard/kollguard/internal/postgres"
	"github.com/kollguard/kollguard/internal/redact"
	"github.com/kollguard/kollguard/internal/tlsprobe"
	"github.com/kollguard/kollguard/internal/webapp"
)

// Target kinds.
const (
	KindPostgres = "postgres" // a live PostgreSQL server
	KindTLS      = "tls"      // a TLS endpoint, direct or through STARTTLS
	KindWebApp   = "webapp"   // a web application over HTTPS
	KindFiles    = "files"    // a directory or file: Terraform, manifests, configs
)

// Target is one thing to scan, resolved from the command line or the config.
// It is saved with the evidence of a scan, without its password.
type Target struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// URL addresses the target. It has no password: that is in Password.
	URL string `json:"url"`
	// Password is the secret to connect with, or empty to let the driver
	// find one (PGPASSWORD, a pgpass file). It is never printed or saved.
	Password       string `json:"-"`
	BreakGlassRole string `json:"break_glass_role,omitempty"`
	// Postgres tunes the tenancy, ePHI and audit checks of a PostgreSQL
	// server; Evaluate gets BreakGlassRole besides.
	Postgres postgres.Options `json:"postgres"`
	// Web tunes the checks of a web application.
	Web webapp.Options `json:"web"`
}

// Address is the target's URL as reports show it, without any secret.
func (t Target) Address() string { return t.URL }

// ErrUnsupported marks a target whose kind KollGuard cannot scan yet.
var ErrUnsupported = errors.New("unsupported target")

// ParseTarget reads a TARGET argument of `kollguard scan`. A password in a
// postgres URL is taken out of the URL and kept in Password.
func ParseTarget(arg string) (Target, error) {
	if !strings.Contains(arg, "://") {
		if _, err := os.Stat(arg); err != nil {
			return Target{}, fmt.Errorf("%s: %w (a TARGET is a directory, a file, or a "+
				"URL such as postgres://user@host:5432/db)", redact.URL(arg), errors.Unwrap(err))
		}
		return FilesTarget(arg, ""), nil
	}
	u, err := url.Parse(arg)
	if err != nil || u.Scheme == "" {
		return Target{}, fmt.Errorf("%s: not a target: want postgres://user@host:port/db",
			redact.URL(arg))
	}
	t, err := fromURL(u, "")
	if err != nil {
		return Target{}, fmt.Errorf("%s: %w", redact.URL(arg), err)
	}
	return t, nil
}

// fromURL makes a target of a parsed URL by its scheme.
func fromURL(u *url.URL, name string) (Target, error) {
	switch strings.ToLower(u.Scheme) {
	case "postgres", "postgresql":
		return postgresTarget(u, name)
	case "https":
		return endpointTarget(u, name, KindWebApp)
	case "tls", "smtp", "submission", "imap", "pop3", "ldap":
		return endpointTarget(u, name, KindTLS)
	}
	return Target{}, fmt.Errorf("%w: unknown scheme %q (want postgres, tls, https, smtp, "+
		"imap, pop3 or ldap)", ErrUnsupported, u.Scheme)
}

// endpointTarget makes a TLS endpoint or web application target. The URL
// is checked by the prober's own parser, which the scan uses later.
func endpointTarget(u *url.URL, name, kind string) (Target, error) {
	if u.User != nil {
		return Target{}, errors.New("an endpoint URL takes no user or password")
	}
	ep, err := tlsprobe.ParseEndpoint(u.String())
	if err != nil {
		return Target{}, err
	}
	if name == "" {
		name = nameOf(ep.Host + "-" + strconv.Itoa(ep.Port))
	}
	return Target{Name: name, Kind: kind, URL: u.String()}, nil
}

// FilesTarget is a directory or file to read, named after it unless name
// is given.
func FilesTarget(path, name string) Target {
	path = filepath.Clean(path)
	if name == "" {
		name = filepath.Base(path)
		if abs, err := filepath.Abs(path); err == nil && name == "." {
			name = filepath.Base(abs)
		}
		name = nameOf(name)
	}
	return Target{Name: name, Kind: KindFiles, URL: path}
}

// FromConfig resolves a config target, reading its password from the
// environment variable the config names.
func FromConfig(c config.Target, getenv func(string) string) (Target, error) {
	if c.Path != "" {
		path := c.Path
		if !filepath.IsAbs(path) && c.Pos.File != "" {
			path = filepath.Join(filepath.Dir(c.Pos.File), path) // as the config's author sees it
		}
		if _, err := os.Stat(path); err != nil {
			return Target{}, fmt.Errorf("%s: target %s: %w", c.Pos, c.Name, err)
		}
		return FilesTarget(path, c.Name), nil
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return Target{}, fmt.Errorf("%s: target %s: %v", c.Pos, c.Name, err)
	}
	t, err := fromURL(u, c.Name)
	if err != nil {
		return Target{}, fmt.Errorf("%s: target %s: %w", c.Pos, c.Name, err)
	}
	if c.PasswordEnv != "" {
		t.Password = getenv(c.PasswordEnv)
	}
	t.BreakGlassRole = c.BreakGlassRole
	t.Postgres = postgres.Options{AppRoles: c.AppRoles, TenantColumns: c.TenantColumns,
		EPHIInclude: c.EPHI.Include, EPHIExclude: c.EPHI.Exclude, AuditTables: c.AuditTables}
	t.Web = webapp.Options{SessionCookies: c.SessionCookies, IdleLimit: c.IdleLimit,
		Protected: c.ProtectedPaths, HTTPURL: c.HTTPURL}
	return t, nil
}

func postgresTarget(u *url.URL, name string) (Target, error) {
	if u.Host == "" && u.Query().Get("host") == "" {
		return Target{}, errors.New("postgres URL has no host")
	}
	t := Target{Name: name, Kind: KindPostgres, Password: redact.TakeURLPassword(u)}
	t.URL = u.String()
	if !strings.Contains(t.URL, "://") {
		// url.URL drops "//" when the host is empty (postgres://?host=/run),
		// and pgx would then read the rest as key=value settings.
		t.URL = strings.Replace(t.URL, ":", "://", 1)
	}
	if t.Name == "" {
		t.Name = nameOf(u.Host + u.Path)
	}
	return t, nil
}

// nameOf makes a target name of the kind the config allows ([a-z0-9._-]),
// so that waivers and decision scopes can name targets given on the
// command line: db.internal:5432/clinic becomes db.internal-5432-clinic.
func nameOf(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '-'
	}, s)
	return strings.Trim(s, "-")
}

// Unique drops repeated targets (same kind and address) and makes names
// unique by numbering repeats (db, db-2), so that each target appears once
// in a report under a name of its own.
func Unique(targets []Target) []Target {
	var out []Target
	seen := map[string]bool{}
	for _, t := range targets {
		if key := t.Kind + " " + t.URL; !seen[key] {
			seen[key] = true
			out = append(out, t)
		}
	}
	taken := map[string]bool{}
	for _, t := range out {
		taken[t.Name] = true
	}
	used := map[string]bool{}
	for i, t := range out {
		if t.Name == "" {
			t.Name = t.Kind
		}
		name := t.Name
		for n := 2; used[name] || (name != t.Name && taken[name]); n++ {
			name = fmt.Sprintf("%s-%d", t.Name, n)
		}
		used[name] = true
		out[i].Name = name
	}
	return out
}
