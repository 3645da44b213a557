package postgres

import (
	"fmt"

	"github.com/kollguard/kollguard/internal/check"
)

// Options tune Evaluate for one target.
type Options struct {
	// BreakGlassRole names the declared emergency-access role
	// (164.312(a)(2)(ii)); empty means none is declared.
	BreakGlassRole string `json:"break_glass_role,omitempty"`
	// AppRoles are the roles the application connects as; empty means
	// every login role that is not a superuser, the scanning role or the
	// break-glass role.
	AppRoles []string `json:"app_roles,omitempty"`
	// TenantColumns name the tenant key columns; empty means columns named
	// tenant, org, organization, account, clinic, practice or customer,
	// alone or followed by id (tenant_id, clinicId).
	TenantColumns []string `json:"tenant_columns,omitempty"`
	// EPHIInclude and EPHIExclude add tables or columns to the ePHI
	// inventory or take them out: name, schema.name or
	// schema.name.column, each part a glob.
	EPHIInclude []string `json:"ephi_include,omitempty"`
	EPHIExclude []string `json:"ephi_exclude,omitempty"`
	// AuditTables name the application's audit tables besides those named
	// audit, audit_log or *_audit: name or schema.name globs.
	AuditTables []string `json:"audit_tables,omitempty"`

	// shared is the analysis Evaluate computed for the snapshot.
	shared *analysis
}

// Evaluate runs every check on s and returns their findings. It is pure:
// the same snapshot and options give the same findings. Every check yields
// at least one finding (pass, fail or unknown with the reason), so a report
// can tell that it ran.
func Evaluate(s *Snapshot, target string, opts Options) []check.Finding {
	var out []check.Finding
	opts.shared = nil
	opts.shared = analyze(s, opts)
	for _, e := range table {
		got := e.Eval(e.Check, s, target, opts)
		if len(got) == 0 {
			got = []check.Finding{e.Result(target, "server", check.Unknown,
				"the check produced no result")}
		}
		out = append(out, got...)
	}
	return out
}

// Unreachable returns one finding with status error per check, for a target
// that could not be collected. err's text is the message; Collect keeps
// passwords out of it.
func Unreachable(target string, err error) []check.Finding {
	out := make([]check.Finding, 0, len(table))
	for _, e := range table {
		f := e.Result(target, "server", check.Error, fmt.Sprintf("collecting %s: %v", target, err))
		out = append(out, f)
	}
	return out
}
