package postgres

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// The audit checks judge whether reads of ePHI are recorded (164.312(b))
// and whether the application's own audit trail can be rewritten by the
// application (164.312(b), (c)(1), (c)(2)).

// globalReadAudit reports whether the server-wide pgaudit.log holds the
// read class (or all).
func globalReadAudit(s *Snapshot) bool {
	v, ok := s.setting("pgaudit.log")
	return ok && auditsClass(v.Value, "read")
}

// auditsClass reports whether a pgaudit.log value enables class, honouring
// "all" and "-class" exclusions.
func auditsClass(value, class string) bool {
	on := false
	for _, item := range strings.Split(strings.ToLower(value), ",") {
		switch item = strings.TrimSpace(item); item {
		case "all", class:
			on = true
		case "-all", "-" + class:
			on = false
		}
	}
	return on
}

// evalReadAudit checks that reads of every ePHI table are audited: the
// read class in pgaudit.log, or object auditing through pgaudit.role, a
// NOLOGIN role holding SELECT on each ePHI table.
func evalReadAudit(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	if len(a.ephi) == 0 {
		return []check.Finding{c.Result(target, "ePHI tables", check.Pass,
			"no ePHI table to audit (see postgres.ephi.inventory)")}
	}
	if _, loaded := s.setting("pgaudit.log"); !loaded {
		if !s.ReadAllSettings {
			return []check.Finding{c.Resultf(target, "pgaudit", check.Unknown,
				"pgaudit.log could not be read: %s", s.MissingSettings["pgaudit.log"])}
		}
		return []check.Finding{c.Result(target, "pgaudit", check.Fail,
			"pgaudit is not loaded: reads of ePHI tables are not recorded")}
	}
	var out []check.Finding
	roleSetting, roleKnown := s.setting("pgaudit.role")
	name := roleSetting.Value
	if name != "" {
		if r, ok := a.roles[name]; ok && s.canLogin(r) {
			out = append(out, c.Resultf(target, "role "+name, check.Fail, "pgaudit.role %s "+
				"can log in: anyone using it acts under the audit role", name))
		}
	}
	if globalReadAudit(s) {
		return passIfNone(out, c, target, "pgaudit", fmt.Sprintf("pgaudit.log holds the read "+
			"class: reads of all %d ePHI tables are recorded", len(a.ephi)))
	}
	if name == "" {
		why := "pgaudit.role is not set"
		if !roleKnown {
			why = "pgaudit.role could not be read"
		}
		return append(out, c.Resultf(target, "pgaudit", check.Fail, "%s and pgaudit.log "+
			"lacks the read class: reads of %d ePHI tables are not recorded", why, len(a.ephi)))
	}
	if _, ok := a.roles[name]; !ok {
		return append(out, c.Resultf(target, "role "+name, check.Fail,
			"pgaudit.role %s does not exist: object auditing records nothing", name))
	}
	for _, e := range a.ephi {
		t := a.tables[e.qualified()]
		if t == nil || a.can(name, "SELECT", t.Owner, t.Grants) {
			continue
		}
		out = append(out, c.Resultf(target, e.qualified(), check.Fail, "reads of ePHI table %s "+
			"are not audited: audit role %s lacks SELECT on it (GRANT SELECT ON %s TO %s)",
			e.qualified(), name, e.qualified(), name).With("table", e.qualified()))
	}
	return passIfNone(out, c, target, "pgaudit", fmt.Sprintf("audit role %s holds SELECT on "+
		"all %d ePHI tables: their reads are recorded", name, len(a.ephi)))
}

// evalDefinerBlindSpot fails SECURITY DEFINER functions the application can
// call that read ePHI tables: the statement the application sent names the
// function, not the table, and the read runs under the owner's identity.
func evalDefinerBlindSpot(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	var out []check.Finding
	for _, f := range s.Functions {
		if !f.SecurityDefiner || f.Extension != "" {
			continue
		}
		callers := a.callers(f)
		if callers == "" {
			continue
		}
		for _, q := range f.Reads {
			if !a.ephiSet[q] {
				continue
			}
			out = append(out, leak(c, target, []string{callers,
				"function " + f.Signature, q}, "reads of ePHI table %s through SECURITY DEFINER "+
				"function %s run as %s: the audit trail shows a function call by the caller, "+
				"not which rows of %s were read", q, f.Signature, f.Owner, q))
		}
	}
	return passIfNone(out, c, target, "functions",
		"no SECURITY DEFINER function the application can call reads an ePHI table")
}

// isAuditTable reports whether t is an audit table: named audit, audit_log,
// audit_trail or *_audit, in a schema named audit, or configured.
func isAuditTable(t Table, configured []string) bool {
	for _, p := range configured {
		if col, ok := matchTable(p, t.Schema, t.Name); ok && col == "" {
			return true
		}
	}
	n := strings.ToLower(t.Name)
	return n == "audit" || n == "audit_log" || n == "audit_trail" || n == "auditlog" ||
		strings.HasSuffix(n, "_audit") || strings.HasSuffix(n, "_audit_log") ||
		strings.EqualFold(t.Schema, "audit")
}

// auditTables returns the audit tables of s.
func auditTables(s *Snapshot, opts Options) []*Table {
	var out []*Table
	for i := range s.Tables {
		if isAuditTable(s.Tables[i], opts.AuditTables) {
			out = append(out, &s.Tables[i])
		}
	}
	return out
}

const noAuditTables = "no audit table found (tables named audit, audit_log, audit_trail or " +
	"*_audit, or listed in audit_tables): nothing to judge"

// evalAppendOnly fails audit tables the application may UPDATE, DELETE
// from or TRUNCATE, directly, through membership or as owner.
func evalAppendOnly(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	a := analyze(s, opts)
	tables := auditTables(s, opts)
	if len(tables) == 0 {
		return []check.Finding{c.Result(target, "audit tables", check.Pass, noAuditTables)}
	}
	var out []check.Finding
	for _, t := range tables {
		for _, r := range a.appRoles {
			var can []string
			for _, p := range []string{"UPDATE", "DELETE", "TRUNCATE"} {
				if a.can(r, p, t.Owner, t.Grants) {
					can = append(can, p)
				}
			}
			if len(can) > 0 {
				out = append(out, leak(c, target, []string{"role " + r, t.qualified()},
					"application role %s may %s on audit table %s: it can rewrite its own "+
						"trail", r, strings.Join(can, ", "), t.qualified()).
					With("privileges", can))
			}
		}
	}
	return passIfNone(out, c, target, "audit tables", fmt.Sprintf("%d audit tables are "+
		"append-only for the application roles", len(tables)))
}

// chainWords mark a column that chains or signs audit rows.
var chainWords = map[string]bool{"hash": true, "digest": true, "signature": true,
	"hmac": true, "chain": true, "checksum": true, "sha256": true, "mac": true}

// evalTamperEvident reports whether each audit table's rows are
// tamper-evident: a hash-chain column, or a trigger that refuses UPDATE and
// DELETE.
func evalTamperEvident(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	tables := auditTables(s, opts)
	if len(tables) == 0 {
		return []check.Finding{c.Result(target, "audit tables", check.Pass, noAuditTables)}
	}
	raising := map[string]bool{}
	for _, f := range s.Functions {
		raising[f.Signature] = f.Raises
	}
	var out []check.Finding
	for _, t := range tables {
		var evidence []string
		for _, col := range t.Columns {
			if slices.ContainsFunc(ephiTokens(col), func(w string) bool { return chainWords[w] }) {
				evidence = append(evidence, "hash-chain column "+col)
			}
		}
		for _, tr := range s.Triggers {
			if tr.Table == t.qualified() && tr.Before && raising[tr.Function] &&
				slices.Contains(tr.Events, "UPDATE") && slices.Contains(tr.Events, "DELETE") {
				evidence = append(evidence, "trigger "+tr.Name+" refuses UPDATE and DELETE")
			}
		}
		f := c.Resultf(target, t.qualified(), check.Pass, "audit table %s is tamper-evident: %s",
			t.qualified(), strings.Join(evidence, "; "))
		if len(evidence) == 0 {
			f = c.Resultf(target, t.qualified(), check.Fail, "audit table %s has neither a "+
				"hash-chain column nor a trigger refusing UPDATE and DELETE: a changed row "+
				"goes unnoticed", t.qualified())
		}
		out = append(out, f.With("table", t.qualified()).With("evidence", evidence))
	}
	return out
}

// BUG(kollguard): pgaudit.role is taken from the scanning session, which
// includes per-database settings; a per-role pgaudit.role or pgaudit.log of
// an application role is not applied to that role.
