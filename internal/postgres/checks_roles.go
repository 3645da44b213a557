package postgres

import (
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// roleEval returns an evaluator that fails every role bad reports a problem
// for and passes once when none has one.
func roleEval(pass string, bad func(s *Snapshot, r Role) string) evaluator {
	return func(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
		var out []check.Finding
		for _, r := range s.Roles {
			if msg := bad(s, r); msg != "" {
				f := c.Result(target, "role "+r.Name, check.Fail, msg)
				out = append(out, f.With("role", r.Name).With("login", r.Login).
					With("superuser", r.Superuser))
			}
		}
		if len(out) == 0 {
			out = append(out, c.Result(target, "roles", check.Pass, pass))
		}
		return out
	}
}

var evalLoginSuperusers = roleEval("no login superuser besides the bootstrap superuser",
	func(s *Snapshot, r Role) string {
		if r.Superuser && s.canLogin(r) && r.OID != bootstrapOID {
			return "role " + r.Name + " is a superuser that can log in"
		}
		return ""
	})

var evalGenericLogins = roleEval("no login role has a generic name",
	func(s *Snapshot, r Role) string {
		if !s.canLogin(r) || r.OID == bootstrapOID {
			return ""
		}
		if tok := genericToken(r.Name); tok != "" {
			return "login role " + r.Name + " has a generic name (" + tok +
				"): it is likely shared by several people"
		}
		return ""
	})

var evalBypassRLS = roleEval("no role besides superusers bypasses row-level security",
	func(_ *Snapshot, r Role) string {
		if r.BypassRLS && !r.Superuser {
			return "role " + r.Name + " has BYPASSRLS"
		}
		return ""
	})

// evalMD5Hashes fails every role holding an MD5 password hash.
func evalMD5Hashes(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
	if s.MD5Unavailable != "" {
		f := c.Resultf(target, "pg_authid", check.Unknown,
			"password hashes could not be inspected: %s", s.MD5Unavailable)
		return []check.Finding{f.With("unavailable", s.MD5Unavailable)}
	}
	var out []check.Finding
	for _, name := range s.MD5Roles {
		f := c.Resultf(target, "role "+name, check.Fail, "role %s has an MD5 password hash", name)
		out = append(out, f.With("role", name))
	}
	if len(out) == 0 {
		out = append(out, c.Result(target, "roles", check.Pass,
			"no role has an MD5 password hash"))
	}
	return out
}

// evalBreakGlass checks the declared emergency-access role: it exists, it
// cannot log in during normal operation, and its logins are logged.
func evalBreakGlass(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	name := opts.BreakGlassRole
	if name == "" {
		return []check.Finding{c.Result(target, "break-glass role", check.Unknown,
			"no break-glass role is declared for this target: declare the role as "+
				"break_glass_role on this target in kollguard.yaml")}
	}
	res := "role " + name
	r, ok := s.role(name)
	if !ok {
		return []check.Finding{c.Resultf(target, res, check.Fail,
			"break-glass role %s does not exist", name).With("role", name)}
	}
	var problems []string
	if s.canLogin(r) {
		problems = append(problems, "it can log in during normal operation "+
			"(LOGIN without a VALID UNTIL in the past)")
	}
	logged, why := breakGlassLogged(s, name)
	if why != "" {
		return []check.Finding{c.Resultf(target, res, check.Unknown,
			"whether logins of break-glass role %s are logged is unknown: %s", name, why).
			With("role", name)}
	}
	if !logged {
		problems = append(problems, "its logins are not logged (log_connections is off "+
			"for it)")
	}
	f := c.Resultf(target, res, check.Pass,
		"break-glass role %s cannot log in during normal operation and its logins are logged",
		name)
	if len(problems) > 0 {
		f = c.Resultf(target, res, check.Fail, "break-glass role %s: %s", name,
			strings.Join(problems, "; "))
	}
	return []check.Finding{f.With("role", name).With("login", r.Login).
		With("connections_logged", logged)}
}

// breakGlassLogged reports whether connections of role are logged: a
// role-wide override of log_connections decides, else the server-wide value.
// A non-empty reason means it cannot be told.
func breakGlassLogged(s *Snapshot, role string) (bool, string) {
	for _, o := range s.Overrides {
		if o.Role == role && o.Database == "" && o.Name == "log_connections" {
			return boolOn(o.Value), ""
		}
	}
	v, ok := s.setting("log_connections")
	switch {
	case !ok:
		return false, "log_connections could not be read"
	case sessionSources[v.Source]:
		return false, "the server-wide log_connections is hidden by a session setting"
	case s.OverridesUnavailable != "" && !boolOn(v.Value):
		return false, "per-role settings could not be read: " + s.OverridesUnavailable
	}
	return boolOn(v.Value), ""
}
