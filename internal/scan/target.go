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
	"strings"

	"github.com/kollguard/kollguard/internal/config"
)

// Target is one thing to scan, resolved from the command line or the config.
type Target struct {
	Name string
	Kind string // "postgres"
	// URL addresses the target. It has no password: that is in Password.
	URL string
	// Password is the secret to connect with, or empty to let the driver
	// find one (PGPASSWORD, a pgpass file). It is never printed.
	Password       string
	BreakGlassRole string
}

// Address is the target's URL as reports show it, without any secret.
func (t Target) Address() string { return t.URL }

// ErrUnsupported marks a target whose kind KollGuard cannot scan yet.
var ErrUnsupported = errors.New("unsupported target")

// ParseTarget reads a TARGET argument of `kollguard scan`. A password in a
// postgres URL is taken out of the URL and kept in Password.
func ParseTarget(arg string) (Target, error) {
	u, err := url.Parse(arg)
	if err != nil || u.Scheme == "" {
		if _, statErr := os.Stat(arg); statErr == nil {
			return Target{}, fmt.Errorf("%s: %w: directory and file targets are not "+
				"scanned yet (Terraform, Kubernetes and config files are planned)",
				arg, ErrUnsupported)
		}
		return Target{}, fmt.Errorf("%s: not a target: want postgres://user@host:port/db",
			redactURL(arg))
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		return postgresTarget(u, "")
	case "tls", "https", "smtp", "imap", "pop3", "ldap":
		return Target{}, fmt.Errorf("%s: %w: %s:// endpoints are not probed yet",
			redactURL(arg), ErrUnsupported, u.Scheme)
	}
	return Target{}, fmt.Errorf("%s: %w: unknown scheme %q", redactURL(arg),
		ErrUnsupported, u.Scheme)
}

// FromConfig resolves a config target, reading its password from the
// environment variable the config names.
func FromConfig(c config.Target, getenv func(string) string) (Target, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return Target{}, fmt.Errorf("%s: target %s: %v", c.Pos, c.Name, err)
	}
	t, err := postgresTarget(u, c.Name)
	if err != nil {
		return Target{}, fmt.Errorf("%s: target %s: %w", c.Pos, c.Name, err)
	}
	if c.PasswordEnv != "" {
		t.Password = getenv(c.PasswordEnv)
	}
	t.BreakGlassRole = c.BreakGlassRole
	return t, nil
}

func postgresTarget(u *url.URL, name string) (Target, error) {
	if u.Host == "" && u.Query().Get("host") == "" {
		return Target{}, errors.New("postgres URL has no host")
	}
	t := Target{Name: name, Kind: "postgres"}
	if p, ok := u.User.Password(); ok {
		t.Password = p
		u.User = url.User(u.User.Username())
	}
	t.URL = u.String()
	if t.Name == "" {
		t.Name = strings.TrimPrefix(u.Host+u.Path, "/")
	}
	return t, nil
}

// redactURL masks the password of a URL-like argument so that an error
// about it can be printed.
func redactURL(arg string) string {
	u, err := url.Parse(arg)
	if err != nil {
		if i := strings.LastIndex(arg, "@"); i >= 0 {
			if j := strings.Index(arg, "://"); j >= 0 && j < i {
				return arg[:j+3] + "xxxxx" + arg[i:]
			}
		}
		return arg
	}
	return u.Redacted()
}
