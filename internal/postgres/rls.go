package postgres

import (
	"slices"
	"sort"
	"strings"
)

// analysis holds what the tenancy checks share, computed once per Evaluate
// from the snapshot and the target's options: the role graph, the tenant
// tables, the policies by table and the ePHI inventory.
type analysis struct {
	s        *Snapshot
	roles    map[string]Role
	appRoles []string
	// missingApp names configured application roles the server lacks.
	missingApp []string
	tables     map[string]*Table // schema.name -> table
	views      map[string]*View  // schema.name -> view
	tenant     map[string]string // schema.name of a tenant table -> tenant column
	tenantList []string          // sorted keys of tenant
	policies   map[string][]Policy
	ephi       []EPHITable
	ephiSet    map[string]bool
	privs      map[string]map[string]bool // role -> roles whose privileges it uses
}

// defaultTenantWords are the first words of tenant key columns:
// tenant_id, org_id, clinicId, ...
var defaultTenantWords = map[string]bool{
	"tenant": true, "org": true, "organization": true, "organisation": true,
	"account": true, "clinic": true, "practice": true, "customer": true,
}

// analyze returns the shared analysis of s for opts, reusing the one
// Evaluate computed.
func analyze(s *Snapshot, opts Options) *analysis {
	if opts.shared != nil && opts.shared.s == s {
		return opts.shared
	}
	a := &analysis{s: s, roles: map[string]Role{}, tables: map[string]*Table{},
		views: map[string]*View{}, tenant: map[string]string{},
		policies: map[string][]Policy{}, ephiSet: map[string]bool{},
		privs: map[string]map[string]bool{}}
	for _, r := range s.Roles {
		a.roles[r.Name] = r
	}
	a.appRoles, a.missingApp = appRoles(s, opts, a.roles)
	for i := range s.Tables {
		t := &s.Tables[i]
		a.tables[t.qualified()] = t
		if col := tenantColumn(*t, opts.TenantColumns); col != "" {
			a.tenant[t.qualified()] = col
			a.tenantList = append(a.tenantList, t.qualified())
		}
	}
	sort.Strings(a.tenantList)
	for i := range s.Views {
		a.views[s.Views[i].qualified()] = &s.Views[i]
	}
	for _, p := range s.Policies {
		a.policies[p.table()] = append(a.policies[p.table()], p)
	}
	a.ephi = inventory(s, opts)
	for _, e := range a.ephi {
		a.ephiSet[e.qualified()] = true
	}
	return a
}

// appRoles returns the roles the application connects as: the configured
// ones that exist (and those that do not, apart), or by default every login
// role that is not a superuser, the scanning role or the break-glass role.
func appRoles(s *Snapshot, opts Options, roles map[string]Role) (have, missing []string) {
	if len(opts.AppRoles) > 0 {
		for _, name := range opts.AppRoles {
			if _, ok := roles[name]; ok {
				have = append(have, name)
			} else {
				missing = append(missing, name)
			}
		}
		return have, missing
	}
	for _, r := range s.Roles {
		if r.Login && !r.Superuser && r.Name != s.User && r.Name != opts.BreakGlassRole &&
			!strings.HasPrefix(r.Name, "pg_") {
			have = append(have, r.Name)
		}
	}
	return have, nil
}

// tenantColumn returns the tenant key column of t, or "". configured
// replaces the default rule (a column named after a tenant word, alone or
// followed by id) when it is not empty.
func tenantColumn(t Table, configured []string) string {
	for _, c := range t.Columns {
		if len(configured) > 0 {
			if slices.ContainsFunc(configured, func(k string) bool {
				return strings.EqualFold(k, c)
			}) {
				return c
			}
			continue
		}
		toks := ephiTokens(c)
		if len(toks) == 1 && defaultTenantWords[toks[0]] ||
			len(toks) == 2 && defaultTenantWords[toks[0]] && toks[1] == "id" {
			return c
		}
	}
	return ""
}

// privsOf returns the roles whose privileges role uses without SET ROLE:
// itself, PUBLIC, and the roles it is a member of through INHERIT roles.
func (a *analysis) privsOf(role string) map[string]bool {
	if p, ok := a.privs[role]; ok {
		return p
	}
	p := map[string]bool{role: true, "PUBLIC": true}
	queue := []string{role}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if r, ok := a.roles[cur]; !ok || !r.Inherit {
			continue
		}
		for _, g := range a.roles[cur].MemberOf {
			if !p[g] {
				p[g] = true
				queue = append(queue, g)
			}
		}
	}
	a.privs[role] = p
	return p
}

// setRolePath returns the chain of roles role can SET ROLE through to
// reach a role that satisfies want, or nil. Every membership allows SET
// ROLE on PostgreSQL 15, whatever INHERIT says.
func (a *analysis) setRolePath(role string, want func(Role) bool) []string {
	prev := map[string]string{role: ""}
	queue := []string{role}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur != role && want(a.roles[cur]) {
			var path []string
			for r := cur; r != ""; r = prev[r] {
				path = append([]string{r}, path...)
			}
			return path
		}
		for _, g := range a.roles[cur].MemberOf {
			if _, seen := prev[g]; !seen {
				prev[g] = cur
				queue = append(queue, g)
			}
		}
	}
	return nil
}

// bypassesAll says why role skips every policy: superuser or BYPASSRLS.
func (a *analysis) bypassesAll(role string) string {
	r := a.roles[role]
	switch {
	case r.Superuser:
		return "is a superuser"
	case r.BypassRLS:
		return "has BYPASSRLS"
	}
	return ""
}

// bypassesOn says why role skips the policies of t when it queries it, or
// "" when the policies apply to it.
func (a *analysis) bypassesOn(role string, t *Table) string {
	if why := a.bypassesAll(role); why != "" {
		return why
	}
	if !t.ForceRLS && a.privsOf(role)[t.Owner] {
		if t.Owner == role {
			return "owns it without FORCE ROW LEVEL SECURITY"
		}
		return "is a member of its owner " + t.Owner + " without FORCE ROW LEVEL SECURITY"
	}
	return ""
}

// can reports whether role holds priv on a relation with the given owner
// and grants: as a superuser, as (a member of) the owner, or by a grant to
// itself, a role it inherits from, or PUBLIC.
func (a *analysis) can(role, priv, owner string, grants map[string][]string) bool {
	if a.roles[role].Superuser {
		return true
	}
	p := a.privsOf(role)
	if p[owner] {
		return true
	}
	for grantee, privs := range grants {
		if p[grantee] && slices.Contains(privs, priv) {
			return true
		}
	}
	return false
}

// readers returns the application roles that may SELECT from t.
func (a *analysis) readers(t *Table) []string {
	var out []string
	for _, r := range a.appRoles {
		if a.can(r, "SELECT", t.Owner, t.Grants) {
			out = append(out, r)
		}
	}
	return out
}

// applies reports whether policy p applies to role.
func (a *analysis) applies(p Policy, role string) bool {
	privs := a.privsOf(role)
	return slices.ContainsFunc(p.Roles, func(r string) bool { return privs[r] })
}

// canExecute reports whether role may call f.
func (a *analysis) canExecute(role string, f Function) bool {
	if a.roles[role].Superuser || a.privsOf(role)[f.Owner] {
		return true
	}
	privs := a.privsOf(role)
	return slices.ContainsFunc(f.Executors, func(r string) bool { return privs[r] })
}

// BUG(kollguard): privileges are judged from table grants, ownership and
// role membership only: column-level grants, USAGE on the schema and
// default privileges for future tables are not considered, so a role with
// SELECT on a table in a schema it cannot use is still counted as a reader,
// and one with SELECT on some columns only is not.

// BUG(kollguard): membership follows PostgreSQL 15 rules (every membership
// allows SET ROLE; INHERIT is a property of the member). The SET and
// INHERIT options of PostgreSQL 16 grants are not read, so on 16 and later
// some SET ROLE paths reported may not exist.

// BUG(kollguard): a policy counts as keyed on the tenant when its
// expression names the tenant column; whether it compares that column with
// the session's tenant (rather than, say, a constant) is not proven, and
// tenancy enforced by role per tenant (current_user) is reported as
// ignoring the key.
