package postgres

import (
	"fmt"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// The tenant-isolation checks (164.312(a)(1), (a)(2)(i)) judge whether
// row-level security actually keeps one tenant from another's rows for the
// roles the application connects as. Each failing finding names the leak
// path: role -> object -> table.

// noTenants is the passing finding of a tenancy check on a server without
// tenant tables.
func noTenants(c check.Check, target string, opts Options) check.Finding {
	cols := "tenant, org, organization, account, clinic, practice or customer (with id)"
	if len(opts.TenantColumns) > 0 {
		cols = strings.Join(opts.TenantColumns, ", ")
	}
	return c.Resultf(target, "tenant tables", check.Pass,
		"no tenant table: no table has a tenant key column (%s)", cols)
}

// leak builds a failing finding for one leak path.
func leak(c check.Check, target string, path []string, format string, args ...any) check.Finding {
	p := strings.Join(path, " -> ")
	f := c.Result(target, p, check.Fail, fmt.Sprintf(format, args...)+" (leak path: "+p+")")
	return f.With("leak_path", path)
}

// passIfNone returns out, or one passing finding with msg when it is empty.
func passIfNone(out []check.Finding, c check.Check, target, res, msg string) []check.Finding {
	if len(out) == 0 {
		return []check.Finding{c.Result(target, res, check.Pass, msg)}
	}
	return out
}

// evalTenantRLS fails tenant tables without row-level security, and
// partitions without it that an application role can read directly.
func evalTenantRLS(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	if len(a.tenantList) == 0 {
		return []check.Finding{noTenants(c, target, opts)}
	}
	var out []check.Finding
	for _, q := range a.tenantList {
		t := a.tables[q]
		if t.RLS {
			continue
		}
		readers := a.readers(t)
		switch {
		case t.Parent != "" && len(readers) == 0:
			continue
		case t.Parent != "":
			for _, r := range readers {
				out = append(out, leak(c, target, []string{"role " + r, q}, "partition %s "+
					"of %s has row-level security disabled and %s can read it directly, "+
					"around the policies of the parent", q, t.Parent, r))
			}
		case len(readers) == 0:
			out = append(out, c.Resultf(target, q, check.Fail, "tenant table %s (key %s) has "+
				"row-level security disabled; no application role reads it today",
				q, a.tenant[q]).With("table", q))
		default:
			for _, r := range readers {
				out = append(out, leak(c, target, []string{"role " + r, q}, "tenant table %s "+
					"(key %s) has row-level security disabled: %s reads every tenant's rows",
					q, a.tenant[q], r))
			}
		}
	}
	return passIfNone(out, c, target, "tenant tables", fmt.Sprintf(
		"row-level security is enabled on all %d tenant tables the application can read",
		len(a.tenantList)))
}

// evalOwnerForce fails application roles that own a tenant table, or are
// members of its owner, while FORCE ROW LEVEL SECURITY is off.
func evalOwnerForce(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	if len(a.tenantList) == 0 {
		return []check.Finding{noTenants(c, target, opts)}
	}
	var out []check.Finding
	for _, r := range a.appRoles {
		if a.bypassesAll(r) != "" {
			continue // postgres.rls.app-role-bypass reports it
		}
		for _, q := range a.tenantList {
			t := a.tables[q]
			if !t.RLS {
				continue
			}
			if why := a.bypassesOn(r, t); why != "" {
				out = append(out, leak(c, target, []string{"role " + r, q},
					"application role %s %s, so the policies of %s do not apply to it", r, why, q))
				continue
			}
			if t.ForceRLS {
				continue
			}
			isOwner := func(x Role) bool { return x.Name == t.Owner }
			if path := a.setRolePath(r, isOwner); path != nil {
				out = append(out, leak(c, target, append(prefixed("role ", path), q),
					"application role %s can SET ROLE %s, which owns %s without FORCE ROW "+
						"LEVEL SECURITY", r, t.Owner, q))
			}
		}
	}
	return passIfNone(out, c, target, "tenant tables",
		"no application role owns a tenant table without FORCE ROW LEVEL SECURITY")
}

// evalAppBypass fails application roles that are superusers, have
// BYPASSRLS, or can SET ROLE to a role that has either.
func evalAppBypass(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	var out []check.Finding
	for _, name := range a.missingApp {
		out = append(out, c.Resultf(target, "role "+name, check.Unknown,
			"application role %s (from app_roles) does not exist on the server", name).
			With("role", name))
	}
	if len(a.tenantList) == 0 {
		return append(out, noTenants(c, target, opts))
	}
	every := "every tenant table"
	for _, r := range a.appRoles {
		if why := a.bypassesAll(r); why != "" {
			out = append(out, leak(c, target, []string{"role " + r, every},
				"application role %s %s: no policy applies to it", r, why))
			continue
		}
		path := a.setRolePath(r, func(x Role) bool { return x.Superuser || x.BypassRLS })
		if path != nil {
			to := path[len(path)-1]
			full := append(prefixed("role ", path), every)
			out = append(out, leak(c, target, full, "application role %s can SET ROLE %s, "+
				"which %s: one statement switches the policies off", r, to, a.bypassesAll(to)))
		}
	}
	return passIfNone(out, c, target, "application roles", fmt.Sprintf(
		"no application role (%s) bypasses row-level security or can SET ROLE to one that does",
		strings.Join(a.appRoles, ", ")))
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// evalPoliciesDisabled fails tables that have policies while row-level
// security is disabled: the policies are not enforced.
func evalPoliciesDisabled(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	var out []check.Finding
	for _, t := range s.Tables {
		ps := a.policies[t.qualified()]
		if t.RLS || len(ps) == 0 {
			continue
		}
		names := make([]string, len(ps))
		for i, p := range ps {
			names[i] = p.Name
		}
		out = append(out, c.Resultf(target, t.qualified(), check.Fail,
			"table %s has policies (%s) but row-level security is disabled: they are not "+
				"enforced", t.qualified(), strings.Join(names, ", ")).
			With("table", t.qualified()).With("policies", names))
	}
	return passIfNone(out, c, target, "policies",
		"every table with policies has row-level security enabled")
}

// evalDenyAll reports tables with row-level security enabled and no
// policy, where every role subject to it sees no rows: a fact, not a fault.
func evalDenyAll(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	var out []check.Finding
	for _, t := range s.Tables {
		if !t.RLS || len(a.policies[t.qualified()]) > 0 {
			continue
		}
		out = append(out, c.Resultf(target, t.qualified(), check.Pass,
			"table %s has row-level security enabled and no policy: roles subject to it see "+
				"and change no rows (default deny); only its owner (unless forced), superusers "+
				"and BYPASSRLS roles reach it", t.qualified()).With("table", t.qualified()))
	}
	return passIfNone(out, c, target, "policies",
		"every table with row-level security enabled has a policy")
}
