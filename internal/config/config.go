// Package config reads kollguard.yaml: the targets to scan, the decisions that
// document addressable safeguards, and the waivers that except findings for a
// limited time. Loading validates everything before a scan runs; every error
// names the file, the line and the key.
package config

import (
	"encoding/json"
	"fmt"
	"time"
)

// Config is a validated kollguard.yaml.
type Config struct {
	Path      string     `json:"-"`
	Targets   []Target   `json:"targets"`
	Decisions []Decision `json:"decisions"`
	Waivers   []Waiver   `json:"waivers"`
}

// Pos is where an entry stands in its file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// String formats p as file:line.
func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Target is one thing to scan.
type Target struct {
	Name string `json:"name"`
	// URL addresses a server or endpoint: postgres://user@host:5432/db,
	// tls://host:443, smtp://host:25, https://host/path. It never holds a
	// password in a valid config; see PasswordEnv. A target has a URL or a
	// Path, never both.
	URL string `json:"url,omitempty"`
	// Path is a directory or file to read (Terraform, manifests, configs),
	// relative to the working directory.
	Path string `json:"path,omitempty"`
	// PasswordEnv names an environment variable holding the password.
	PasswordEnv string `json:"password_env,omitempty"`
	// BreakGlassRole names the emergency-access role (164.312(a)(2)(ii)).
	BreakGlassRole string `json:"break_glass_role,omitempty"`
	// SessionCookies names a web application's session cookies.
	SessionCookies []string `json:"session_cookies,omitempty"`
	// IdleLimit is a web session's longest allowed idle time (default 15m).
	IdleLimit time.Duration `json:"idle_limit,omitempty"`
	// ProtectedPaths are the web pages that show ePHI and must not be cached.
	ProtectedPaths []string `json:"protected_paths,omitempty"`
	// HTTPURL is where a web application's plain HTTP is served.
	HTTPURL string `json:"http_url,omitempty"`
	// AppRoles are the roles the application connects to a PostgreSQL
	// target as; empty means every non-superuser login role.
	AppRoles []string `json:"app_roles,omitempty"`
	// TenantColumns name the tenant key columns; empty means the default
	// names (tenant_id, org_id, clinic_id, ...).
	TenantColumns []string `json:"tenant_columns,omitempty"`
	// EPHI adds tables or columns to the ePHI inventory or takes them out.
	EPHI EPHIScope `json:"ephi,omitzero"`
	// AuditTables name the application's audit tables besides those found
	// by name: name or schema.name globs.
	AuditTables []string `json:"audit_tables,omitempty"`
	Pos         Pos      `json:"-"`
}

// EPHIScope is the ephi key of a target: patterns of the form name,
// schema.name or schema.name.column, each part a glob.
type EPHIScope struct {
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`
}

// Placeholder marks a field of the decisions template still to be filled
// in; a config that still holds it does not load.
const Placeholder = "TODO"

// Decision statuses.
const (
	Implemented   = "implemented"
	Alternative   = "alternative"
	NotApplicable = "not-applicable"
)

// Decision documents how an addressable safeguard is handled (164.306(d)(3)).
type Decision struct {
	Safeguard   string   `json:"safeguard"`
	Status      string   `json:"status"`
	Rationale   string   `json:"rationale"`
	Alternative string   `json:"alternative,omitempty"`
	Owner       string   `json:"owner"`
	ApprovedBy  string   `json:"approved_by"`
	ApprovedOn  Date     `json:"approved_on"`
	ReviewBy    Date     `json:"review_by"`
	Scope       []string `json:"scope,omitempty"`
	Evidence    []string `json:"evidence,omitempty"`
	Pos         Pos      `json:"-"`
}

// Waiver is a time-limited, owned exception for findings of one check.
type Waiver struct {
	ID       string `json:"id"`
	Check    string `json:"check"`
	Target   string `json:"target,omitempty"`   // glob over target names; empty matches all
	Resource string `json:"resource,omitempty"` // glob over resources; empty matches all
	Reason   string `json:"reason"`
	Owner    string `json:"owner"`
	Expires  Date   `json:"expires"`
	Pos      Pos    `json:"-"`
}

// Date is a calendar date written YYYY-MM-DD.
type Date struct{ time.Time }

// ParseDate parses a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalText writes the date as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a YYYY-MM-DD date.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the date as "YYYY-MM-DD". Without it the embedded
// time.Time's method would write a full timestamp.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a "YYYY-MM-DD" date.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return d.UnmarshalText([]byte(s))
}

// Expiry is whether a dated entry has lapsed, computed once for one clock.
type Expiry struct {
	Expired bool `json:"expired"`
	// LapsesOn is the first day on which the entry no longer holds: the day
	// it expired, or will expire.
	LapsesOn Date `json:"lapses_on"`
	// Days counts whole days since it expired (0 on its first expired day),
	// or the days left after today while it is live (0 on its last day).
	Days int `json:"days"`
}

// ExpiryAt tells whether an entry that holds through last has expired at
// now. An entry holds through the whole of its last day.
func ExpiryAt(last Date, now time.Time) Expiry {
	since := Date{last.AddDate(0, 0, 1)}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if today.Before(since.Time) {
		return Expiry{LapsesOn: since, Days: int(since.Sub(today).Hours()/24) - 1}
	}
	return Expiry{Expired: true, LapsesOn: since, Days: int(today.Sub(since.Time).Hours() / 24)}
}
