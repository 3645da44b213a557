package postgres

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// maxViewDepth bounds the walk through views over views.
const maxViewDepth = 16

// evalDefinerViews fails views and materialized views the application can
// read that reach an RLS-protected tenant table under an owner that bypasses
// its policies: a view without security_invoker runs with its owner's
// rights, and a materialized view stores what its owner saw.
func evalDefinerViews(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	if len(a.tenantList) == 0 {
		return []check.Finding{noTenants(c, target, opts)}
	}
	var out []check.Finding
	for _, r := range a.appRoles {
		for i := range s.Views {
			v := &s.Views[i]
			if !a.can(r, "SELECT", v.Owner, v.Grants) {
				continue
			}
			for _, l := range a.viewLeaks(v, r, r, []string{"role " + r}, 0) {
				out = append(out, leak(c, target, l.path, "%s %s: %s reads tenant table %s "+
					"through it with %s's rights, and %s", viewKind(l.view), l.view.qualified(),
					r, l.table, l.runner, l.why))
			}
		}
	}
	return passIfNone(out, c, target, "views",
		"no view the application reads reaches a tenant table around its policies")
}

// viewLeak is one tenant table reached through a view under a bypassing
// owner.
type viewLeak struct {
	view        *View
	table       string
	runner, why string
	path        []string
}

// viewLeaks walks v as queried by caller: a security_invoker view runs as
// its caller, any other as its owner. app is the application role whose own
// bypasses other checks report.
func (a *analysis) viewLeaks(v *View, caller, app string, path []string, depth int) []viewLeak {
	if depth > maxViewDepth {
		return nil
	}
	runner := v.Owner
	if v.SecurityInvoker && v.Kind == "v" {
		runner = caller
	}
	path = append(append([]string(nil), path...), viewKind(v)+" "+v.qualified())
	var out []viewLeak
	for _, dep := range v.DependsOn {
		if w, ok := a.views[dep]; ok && w != v {
			out = append(out, a.viewLeaks(w, runner, app, path, depth+1)...)
			continue
		}
		t, ok := a.tables[dep]
		if _, tenant := a.tenant[dep]; !ok || !tenant || runner == app {
			continue
		}
		if why := a.unguarded(runner, t); why != "" {
			out = append(out, viewLeak{view: v, table: dep, runner: runner, why: why,
				path: append(append([]string(nil), path...), dep)})
		}
	}
	return out
}

// unguarded says, as a clause, why role reads every tenant's rows of t:
// row-level security is off on it, or role bypasses its policies; "" when
// the policies apply.
func (a *analysis) unguarded(role string, t *Table) string {
	if !t.RLS {
		return "row-level security is disabled on " + t.qualified()
	}
	if why := a.bypassesOn(role, t); why != "" {
		return role + " " + why
	}
	return ""
}

func viewKind(v *View) string {
	if v.Kind == "m" {
		return "materialized view"
	}
	return "view"
}

// evalDefinerFunctions fails SECURITY DEFINER functions the application
// can call whose owner bypasses the policies of tenant tables the body
// names, or bypasses every policy while search_path is not pinned.
// Extension members are left out: pgaudit's own event-trigger functions
// are SECURITY DEFINER and owned by the superuser.
func evalDefinerFunctions(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	if len(a.tenantList) == 0 {
		return []check.Finding{noTenants(c, target, opts)}
	}
	var out []check.Finding
	for _, f := range s.Functions {
		if !f.SecurityDefiner || f.Extension != "" {
			continue
		}
		if callers := a.callers(f); callers != "" {
			out = append(out, a.functionLeaks(c, target, f, callers)...)
		}
	}
	return passIfNone(out, c, target, "functions", "no SECURITY DEFINER function the "+
		"application can call runs as a role that bypasses tenant policies")
}

// callers names the application roles other than its owner that may call
// f: "PUBLIC" when everyone may, else "role a, b"; "" when none.
func (a *analysis) callers(f Function) string {
	var names []string
	for _, r := range a.appRoles {
		if r != f.Owner && a.canExecute(r, f) {
			names = append(names, r)
		}
	}
	switch {
	case len(names) == 0:
		return ""
	case slices.Contains(f.Executors, "PUBLIC"):
		return "PUBLIC"
	case len(names) == 1:
		return "role " + names[0]
	}
	return "roles " + strings.Join(names, ", ")
}

func (a *analysis) functionLeaks(c check.Check, target string, f Function,
	callers string) []check.Finding {
	var out []check.Finding
	pin := ""
	if !f.pinsSearchPath() {
		pin = "; it does not pin search_path, so objects the caller controls may run " +
			"with the owner's rights"
	}
	head := []string{callers, "function " + f.Signature}
	for _, q := range f.Reads {
		t := a.tables[q]
		if _, tenant := a.tenant[q]; !tenant || t == nil {
			continue
		}
		if why := a.unguarded(f.Owner, t); why != "" {
			out = append(out, leak(c, target, append(head, q), "SECURITY DEFINER function %s "+
				"runs as %s and reads %s, and %s%s", f.Signature, f.Owner, q, why, pin).
				With("search_path_pinned", pin == ""))
		}
	}
	if len(out) > 0 {
		return out
	}
	if why := a.bypassesAll(f.Owner); why != "" && (pin != "" || len(f.Reads) == 0) {
		what := "its body could not be read"
		if len(f.Reads) > 0 || f.Language == "sql" || f.Language == "plpgsql" {
			what = "it names no tenant table"
		}
		out = append(out, leak(c, target, append(head, "every tenant table"),
			"SECURITY DEFINER function %s runs as %s, which %s; %s%s", f.Signature, f.Owner,
			why, what, pin).With("search_path_pinned", pin == ""))
	}
	return out
}

// evalLeakproof fails LEAKPROOF functions outside the system catalog and
// extensions: the planner may run them on rows before the policies filter
// them, so an error or notice they raise can reveal another tenant's values.
func evalLeakproof(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
	var out []check.Finding
	for _, f := range s.Functions {
		if !f.Leakproof || f.Extension != "" {
			continue
		}
		out = append(out, c.Resultf(target, "function "+f.Signature, check.Fail,
			"function %s (owner %s) is marked LEAKPROOF: it may see rows before row-level "+
				"security filters them, and whatever it raises or logs leaks them",
			f.Signature, f.Owner).With("function", f.Signature))
	}
	return passIfNone(out, c, target, "functions",
		"no function outside the catalog and extensions is marked LEAKPROOF")
}

// rlsFix is one fixed vulnerability that let queries around row-level
// security, with the first fixed minor release of each major.
type rlsFix struct {
	cve, what string
	fixed     map[int]int // major -> first fixed minor
}

// rlsFixes are the PostgreSQL fixes of row-level security bypasses, from
// the release notes (Debian's postgresql-15 changelog quotes them).
var rlsFixes = []rlsFix{
	{"CVE-2023-2455", "policies ignored after inlining a set-returning SQL function " +
		"under a cached plan of another role", map[int]int{11: 20, 12: 15, 13: 11, 14: 8,
		15: 3}},
	{"CVE-2023-39418", "MERGE did not enforce UPDATE and SELECT policies",
		map[int]int{15: 4}},
	{"CVE-2024-10976", "policies below subqueries disregarded user ID changes",
		map[int]int{12: 21, 13: 17, 14: 14, 15: 9, 16: 5, 17: 1}},
	{"CVE-2025-8713", "optimizer statistics exposed sampled rows of RLS-protected " +
		"partitions and child tables to leaky operators",
		map[int]int{13: 22, 14: 19, 15: 14, 16: 10, 17: 6}},
}

// oldestTracked is the oldest major release the table above covers.
const oldestTracked = 11

// evalServerVersion fails a server whose minor release lacks a fix of a
// known row-level security bypass.
func evalServerVersion(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
	major, minor, ok := parseVersion(s.ServerVersion)
	res := "server " + s.ServerVersion
	if !ok {
		return []check.Finding{c.Resultf(target, res, check.Unknown,
			"server version %q could not be parsed", s.ServerVersion)}
	}
	var missing []string
	for _, fx := range rlsFixes {
		first, tracked := fx.fixed[major]
		if tracked && minor < first {
			missing = append(missing, fmt.Sprintf("%s (%s; fixed in %d.%d)", fx.cve, fx.what,
				major, first))
		}
	}
	if major < oldestTracked {
		return []check.Finding{c.Resultf(target, res, check.Fail, "PostgreSQL %d is out of "+
			"support and lacks row-level security fixes", major).With("version", s.ServerVersion)}
	}
	if len(missing) > 0 {
		return []check.Finding{c.Resultf(target, res, check.Fail,
			"PostgreSQL %d.%d lacks fixes of row-level security bypasses: %s", major, minor,
			strings.Join(missing, "; ")).With("version", s.ServerVersion)}
	}
	return []check.Finding{c.Resultf(target, res, check.Pass, "PostgreSQL %d.%d has every "+
		"known row-level security bypass fixed", major, minor).With("version", s.ServerVersion)}
}

// parseVersion reads "15.18 (Debian 15.18-0+deb12u1)" as 15, 18.
func parseVersion(v string) (major, minor int, ok bool) {
	f := strings.Fields(v)
	if len(f) == 0 {
		return 0, 0, false
	}
	n, err := fmt.Sscanf(f[0], "%d.%d", &major, &minor)
	if err != nil && n < 1 {
		return 0, 0, false
	}
	return major, minor, n >= 1
}
