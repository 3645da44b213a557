package postgres

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// usesQual reports whether a policy command filters existing rows with its
// USING expression.
func usesQual(cmd string) bool { return cmd != "INSERT" }

// writes reports whether a policy command admits new row versions.
func writes(cmd string) bool { return cmd == "ALL" || cmd == "INSERT" || cmd == "UPDATE" }

// effectiveCheck is the expression new rows must satisfy: WITH CHECK, or
// for ALL and UPDATE policies without one, USING (as PostgreSQL applies it).
func effectiveCheck(p Policy) string {
	if p.WithCheck != "" || p.Command == "INSERT" {
		return p.WithCheck
	}
	return p.Using
}

var spaceOrParens = regexp.MustCompile(`[\s()]+`)

// constantTrue reports whether a deparsed policy expression lets every row
// through: true, 1 = 1, 'true'::boolean and the like.
func constantTrue(expr string) bool {
	e := strings.ToLower(spaceOrParens.ReplaceAllString(expr, ""))
	e = strings.TrimSuffix(e, "::boolean")
	switch e {
	case "true", "'true'", "'t'", "'on'", "'yes'", "'1'", "1=1", "notfalse", "truetrue":
		return true
	}
	return false
}

// mentions reports whether expr refers to column col.
func mentions(expr, col string) bool {
	for _, id := range identifier.FindAllString(expr, -1) {
		id = normIdent(id)
		if _, after, ok := strings.Cut(id, "."); ok {
			id = after
		}
		if id == strings.ToLower(col) || id == col {
			return true
		}
	}
	return false
}

// restricted reports whether a restrictive policy on the table that
// applies to role and cmd keys on the tenant column: it bounds every
// permissive policy.
func (a *analysis) restricted(table, role, cmd, col string, write bool) bool {
	return slices.ContainsFunc(a.policies[table], func(p Policy) bool {
		if p.Permissive || !a.applies(p, role) || (p.Command != "ALL" && p.Command != cmd) {
			return false
		}
		if write {
			return mentions(effectiveCheck(p), col)
		}
		return mentions(p.Using, col)
	})
}

// mayUse reports whether role holds a privilege through which policy
// command cmd on t matters: SELECT for reads, INSERT or UPDATE for writes.
func (a *analysis) mayUse(role, cmd string, t *Table, write bool) bool {
	privs := []string{cmd}
	switch {
	case cmd == "ALL" && write:
		privs = []string{"INSERT", "UPDATE"}
	case cmd == "ALL":
		privs = []string{"SELECT"}
	}
	return slices.ContainsFunc(privs, func(p string) bool {
		return a.can(role, p, t.Owner, t.Grants)
	})
}

// policyEval returns an evaluator that fails every permissive policy on an
// RLS-enabled tenant table that applies to an application role and that
// bad reports a problem for.
func policyEval(pass string, bad func(p Policy, col string) string, write bool) evaluator {
	return func(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
		a := analyze(s, opts)
		if len(a.tenantList) == 0 {
			return []check.Finding{noTenants(c, target, opts)}
		}
		var out []check.Finding
		for _, q := range a.tenantList {
			t, col := a.tables[q], a.tenant[q]
			if !t.RLS {
				continue // postgres.rls.tenant-tables reports it
			}
			for _, p := range a.policies[q] {
				msg := bad(p, col)
				if msg == "" || !p.Permissive {
					continue
				}
				for _, r := range a.appRoles {
					if !a.applies(p, r) || !a.mayUse(r, p.Command, t, write) ||
						a.restricted(q, r, p.Command, col, write) || a.bypassesOn(r, t) != "" {
						continue
					}
					out = append(out, leak(c, target,
						[]string{"role " + r, "policy " + p.Name, q},
						"policy %s (%s, for %s) on %s %s", p.Name, p.Command,
						strings.Join(p.Roles, ", "), q, msg).
						With("using", p.Using).With("with_check", p.WithCheck))
				}
			}
		}
		return passIfNone(out, c, target, "policies", pass)
	}
}

// evalPermissiveTrue fails permissive policies whose USING lets every row
// through, or is absent.
var evalPermissiveTrue = policyEval("no permissive policy on a tenant table lets every row "+
	"through", func(p Policy, _ string) string {
	if !usesQual(p.Command) {
		return ""
	}
	switch {
	case p.Using == "":
		return "has no USING expression: every row passes"
	case constantTrue(p.Using):
		return "has USING (" + p.Using + "): every row passes"
	}
	return ""
}, false)

// evalTenantKey fails permissive policies whose USING filters on something
// other than the tenant key.
var evalTenantKey = policyEval("every permissive policy on a tenant table filters on the "+
	"tenant key", func(p Policy, col string) string {
	if !usesQual(p.Command) || p.Using == "" || constantTrue(p.Using) {
		return ""
	}
	if !mentions(p.Using, col) {
		return "filters on (" + p.Using + "), not on the tenant key " + col +
			": rows of every tenant that pass it are visible"
	}
	return ""
}, false)

// evalWithCheck fails permissive write policies whose check on new rows is
// missing, constant true, or ignores the tenant key: a tenant can then
// write rows into another tenant.
var evalWithCheck = policyEval("every write policy on a tenant table checks the tenant key "+
	"of new rows", func(p Policy, col string) string {
	if !writes(p.Command) {
		return ""
	}
	chk := effectiveCheck(p)
	switch {
	case chk == "":
		return "has no WITH CHECK: new rows may carry any tenant key"
	case constantTrue(chk):
		return "has WITH CHECK (" + chk + "): new rows may carry any tenant key"
	case !mentions(chk, col):
		return "checks new rows with (" + chk + "), not on the tenant key " + col
	}
	return ""
}, true)
