package postgres

import (
	"testing"

	"github.com/kollguard/kollguard/internal/check"
)

func TestServerVersionAgainstRLSFixes(t *testing.T) {
	tests := []struct {
		version string
		want    check.Status
	}{
		{"15.18 (Debian 15.18-0+deb12u1)", check.Pass},
		{"15.14", check.Pass},
		{"15.13", check.Fail},
		{"15.2", check.Fail},
		{"16.10", check.Pass},
		{"16.4", check.Fail},
		{"17.6", check.Pass},
		{"18.1", check.Pass},
		{"10.23", check.Fail},
		{"", check.Unknown},
	}
	c := check.Check{ID: "postgres.rls.server-version"}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			f := evalServerVersion(c, &Snapshot{ServerVersion: tt.version}, "db", Options{})[0]
			if f.Status != tt.want {
				t.Errorf("status = %s (%s), want %s", f.Status, f.Message, tt.want)
			}
		})
	}
}

// tenantSnapshot has one tenant table owned by a NOLOGIN role, with
// row-level security enabled and forced and a policy on the tenant key,
// and one application role; change breaks it in one way.
func tenantSnapshot(change func(s *Snapshot)) []check.Finding {
	s := &Snapshot{ServerVersion: "15.18", User: "kg", Roles: []Role{
		{Name: "kg", Login: true, Inherit: true},
		{Name: "owner", Inherit: true},
		{Name: "app", Login: true, Inherit: true},
		{Name: "postgres", Superuser: true, Login: true, Inherit: true},
	}, Tables: []Table{{Schema: "public", Name: "visits", RLS: true, ForceRLS: true,
		Owner: "owner", Columns: []string{"id", "clinic_id", "note"},
		Grants: map[string][]string{"app": {"SELECT", "INSERT"}}}}}
	s.Policies = []Policy{{Schema: "public", Table: "visits", Name: "tenant",
		Permissive: true, Command: "ALL", Roles: []string{"app"},
		Using: "(clinic_id = current_setting('app.clinic')::integer)"}}
	change(s)
	s.EPHI = discoverEPHI(s.Tables)
	return Evaluate(s, "db", Options{})
}

func TestTenancyEvaluation(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Snapshot)
		fails  string // a check that must fail; "" for none of the tenancy checks
	}{
		{"the correct setup fails nothing", func(*Snapshot) {}, ""},
		{"a NOINHERIT member of an unforced owner can SET ROLE to it", func(s *Snapshot) {
			s.Tables[0].ForceRLS = false
			s.Roles[2].Inherit, s.Roles[2].MemberOf = false, []string{"owner"}
		}, "postgres.rls.owner-force"},
		{"a restrictive policy on the key bounds a permissive true one", func(s *Snapshot) {
			s.Policies[0].Permissive = false
			s.Policies = append(s.Policies, Policy{Schema: "public", Table: "visits",
				Name: "open", Permissive: true, Command: "SELECT", Roles: []string{"PUBLIC"},
				Using: "true"})
		}, ""},
		{"a permissive true policy without a restrictive one fails", func(s *Snapshot) {
			s.Policies = append(s.Policies, Policy{Schema: "public", Table: "visits",
				Name: "open", Permissive: true, Command: "SELECT", Roles: []string{"PUBLIC"},
				Using: "true"})
		}, "postgres.rls.permissive-true"},
		{"an invoker view over a definer view over the table leaks", func(s *Snapshot) {
			s.Views = []View{
				{Schema: "public", Name: "outer_v", Kind: "v", Owner: "owner",
					SecurityInvoker: true, DependsOn: []string{"public.inner_v"},
					Grants: map[string][]string{"app": {"SELECT"}}},
				{Schema: "public", Name: "inner_v", Kind: "v", Owner: "postgres",
					DependsOn: []string{"public.visits"},
					Grants:    map[string][]string{"PUBLIC": {"SELECT"}}},
			}
		}, "postgres.rls.definer-views"},
		{"a view over a tenant table without RLS leaks to its readers", func(s *Snapshot) {
			s.Tables[0].RLS = false
			s.Tables[0].Grants = nil
			s.Views = []View{{Schema: "public", Name: "all_visits", Kind: "v", Owner: "owner",
				SecurityInvoker: false, DependsOn: []string{"public.visits"},
				Grants: map[string][]string{"app": {"SELECT"}}}}
		}, "postgres.rls.definer-views"},
		{"pgaudit's own SECURITY DEFINER functions are left out", func(s *Snapshot) {
			s.Functions = []Function{{Signature: "public.pgaudit_ddl_command_end()",
				Owner: "postgres", SecurityDefiner: true, Executors: []string{"PUBLIC"},
				Extension: "pgaudit", Language: "c"}}
		}, ""},
		{"a C definer function of a superuser callable by PUBLIC fails", func(s *Snapshot) {
			s.Functions = []Function{{Signature: "public.export_all()", Owner: "postgres",
				SecurityDefiner: true, Executors: []string{"PUBLIC"}, Language: "c"}}
		}, "postgres.rls.definer-functions"},
	}
	ids := tenancyChecks()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := tenantSnapshot(tt.change)
			var failed []string
			for _, f := range fs {
				if ids[f.Check] && f.Status == check.Fail {
					failed = append(failed, f.Check+" on "+f.Resource)
				}
			}
			if tt.fails == "" && len(failed) > 0 {
				t.Errorf("failing: %v", failed)
			}
			if tt.fails != "" && !failsOn(fs, tt.fails, "") {
				t.Errorf("%s does not fail; failing: %v", tt.fails, failed)
			}
		})
	}
}
