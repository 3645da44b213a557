package postgres

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEPHITokens(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"date_of_birth", []string{"date", "of", "birth"}},
		{"patientDOB", []string{"patient", "dob"}},
		{"ICD10Code", []string{"icd10", "code"}},
		{"icd10_cm", []string{"icd10", "cm"}},
		{"MRNNumber", []string{"mrn", "number"}},
		{"home-address.line2", []string{"home", "address", "line2"}},
		{"__x__", []string{"x"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ephiTokens(tt.name)); diff != "" {
				t.Errorf("tokens (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchName(t *testing.T) {
	tests := []struct {
		name, kind string
		strong     bool
	}{
		{"date_of_birth", "date of birth", true},
		{"patientDOB", "date of birth", true},
		{"ssn", "ssn", true},
		{"social_security_number", "ssn", true},
		{"mrn", "medical record number", true},
		{"icd10_code", "clinical", true},
		{"Diagnoses", "clinical", true},
		{"allergies", "clinical", true},
		{"email_address", "email", true},
		{"client_ip", "ip address", true},
		{"first_name", "name", true},
		{"name", "name", false},
		{"city", "address", false},
		{"created_at", "", false},
		{"tenant_id", "", false},
		{"status", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := matchName(tt.name)
			if m.kind != tt.kind || m.strong != tt.strong {
				t.Errorf("matchName(%q) = %+v, want kind %q strong %v", tt.name, m, tt.kind,
					tt.strong)
			}
		})
	}
}

func TestDiscoverEPHI(t *testing.T) {
	tables := []Table{
		{Schema: "public", Name: "patients", Columns: []string{"id", "name", "city", "dob"}},
		{Schema: "public", Name: "clinics", Columns: []string{"id", "name", "city"}},
		{Schema: "public", Name: "encounters", Columns: []string{"id", "tenant_id"}},
		{Schema: "public", Name: "notes", Columns: []string{"id", "body"},
			Comment: "Free text entered by clinicians; contains PHI"},
		{Schema: "vault", Name: "secrets", Columns: []string{"id", "blob"},
			Labels: map[string][]string{"blob": {"pgsodium: ENCRYPT WITH KEY ID 1"}}},
		{Schema: "public", Name: "settings", Columns: []string{"key", "value"}},
	}
	got := map[string][]string{}
	for _, e := range discoverEPHI(tables) {
		var cols []string
		for _, c := range e.Columns {
			cols = append(cols, c.Name+":"+c.Kind)
		}
		got[e.qualified()] = append(append([]string{}, e.Reasons...), cols...)
	}
	want := map[string][]string{
		"public.patients":   {"name:name", "city:address", "dob:date of birth"},
		"public.encounters": {"table name has the clinical word encounter"},
		"public.notes":      {"table comment mentions phi"},
		"vault.secrets":     {"blob:labelled"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ePHI tables (-want +got):\n%s", diff)
	}
}

func TestInventoryIncludeExclude(t *testing.T) {
	s := &Snapshot{Tables: []Table{
		{Schema: "public", Name: "patients", Columns: []string{"id", "name", "dob", "email"}},
		{Schema: "public", Name: "visits_raw", Columns: []string{"id", "payload"}},
		{Schema: "staging", Name: "users", Columns: []string{"id", "email"}},
	}}
	s.EPHI = discoverEPHI(s.Tables)
	names := func(opts Options) map[string][]string {
		out := map[string][]string{}
		for _, e := range inventory(s, opts) {
			cols := []string{}
			for _, c := range e.Columns {
				cols = append(cols, c.Name)
			}
			out[e.qualified()] = cols
		}
		return out
	}
	tests := []struct {
		name string
		opts Options
		want map[string][]string
	}{
		{"discovery alone", Options{}, map[string][]string{
			"public.patients": {"name", "dob", "email"}, "staging.users": {"email"}}},
		{"a table glob is included and a schema excluded", Options{
			EPHIInclude: []string{"public.visits_*"}, EPHIExclude: []string{"staging.*"}},
			map[string][]string{"public.patients": {"name", "dob", "email"},
				"public.visits_raw": {}}},
		{"a column is added and another taken out", Options{
			EPHIInclude: []string{"public.visits_raw.payload"},
			EPHIExclude: []string{"public.patients.email", "users"}},
			map[string][]string{"public.patients": {"name", "dob"},
				"public.visits_raw": {"payload"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, names(tt.opts)); diff != "" {
				t.Errorf("inventory (-want +got):\n%s", diff)
			}
		})
	}
}
