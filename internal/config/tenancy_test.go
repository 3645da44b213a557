package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const tenancyYAML = `targets:
  - name: clinic-db
    url: postgres://kollguard@db.internal:5432/clinic
    app_roles: [clinic_app, clinic_reports]
    tenant_columns: [practice_uuid]
    ephi:
      include: [public.visit_blobs, "billing.invoices.memo"]
      exclude: ["public.*_cache", public.patients.favourite_colour]
    audit_tables: [history.*, events]
`

func TestParseReadsTenancyKeys(t *testing.T) {
	cfg, err := Parse("k.yaml", []byte(tenancyYAML), testChecks)
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Targets[0]
	want := Target{
		Name: "clinic-db", URL: "postgres://kollguard@db.internal:5432/clinic",
		AppRoles:      []string{"clinic_app", "clinic_reports"},
		TenantColumns: []string{"practice_uuid"},
		EPHI: EPHIScope{
			Include: []string{"public.visit_blobs", "billing.invoices.memo"},
			Exclude: []string{"public.*_cache", "public.patients.favourite_colour"},
		},
		AuditTables: []string{"history.*", "events"},
		Pos:         Pos{File: "k.yaml", Line: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("target (-want +got):\n%s", diff)
	}
}

func TestParseReportsTenancyKeyErrors(t *testing.T) {
	const head = "targets:\n  - name: db\n    url: postgres://h/d\n"
	tests := []struct {
		name, in, want string
	}{
		{"app_roles must be a list", head + "    app_roles: app\n",
			"k.yaml:4: targets[0].app_roles: expected a list, found a single value"},
		{"an empty app role is an error", head + "    app_roles: [a, '']\n",
			"k.yaml:4: targets[0].app_roles[1]: empty value"},
		{"ephi takes only include and exclude", head + "    ephi: {inclde: [a]}\n",
			"k.yaml:4: targets[0].ephi.inclde: unknown key"},
		{"an ePHI pattern has at most three parts", head + "    ephi: {include: [a.b.c.d]}\n",
			`k.yaml:4: targets[0].ephi.include[0]: "a.b.c.d" has too many parts: write ` +
				"name, schema.name or schema.name.column"},
		{"an audit table pattern has at most two parts",
			head + "    audit_tables: [a.b.c]\n",
			`k.yaml:4: targets[0].audit_tables[0]: "a.b.c" has too many parts: write ` +
				"name or schema.name"},
		{"a bad glob is an error", head + "    ephi:\n      exclude: ['pub[lic']\n",
			`k.yaml:5: targets[0].ephi.exclude[0]: "pub[lic" is not a valid glob`},
		{"an empty part is an error", head + "    audit_tables: [public.]\n",
			`k.yaml:4: targets[0].audit_tables[0]: "public." has an empty part`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("k.yaml", []byte(tt.in), testChecks)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
