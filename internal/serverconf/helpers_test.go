package serverconf

import (
	"sort"
	"testing"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// scanFiles writes files (relative path to content) into a fresh directory
// and scans them all.
func scanFiles(t *testing.T, files map[string]string) []check.Finding {
	t.Helper()
	root, paths := scanfiletest.WriteTree(t, files)
	got, err := Scan("t", root, paths)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// statusOf returns the worst status check id got: fail over error over
// unknown over pass, "" when it has no finding. The unknown findings about
// per-role settings, which every settings check of a PostgreSQL file has,
// are left out: TestPerRoleSettingsAreUnknownFromFiles covers them.
func statusOf(fs []check.Finding, id string) check.Status {
	rank := map[check.Status]int{check.Pass: 1, check.Unknown: 2, check.Error: 3, check.Fail: 4}
	var worst check.Status
	for _, f := range fs {
		if f.Check == id && f.Resource != "pg_db_role_setting" && rank[f.Status] > rank[worst] {
			worst = f.Status
		}
	}
	return worst
}

// failing returns the sorted IDs of checks with a failing finding.
func failing(fs []check.Finding) []string {
	set := map[string]bool{}
	for _, f := range fs {
		if f.Status == check.Fail {
			set[f.Check] = true
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// findingOf returns the first finding of check id with status st.
func findingOf(fs []check.Finding, id string, st check.Status) (check.Finding, bool) {
	for _, f := range fs {
		if f.Check == id && f.Status == st {
			return f, true
		}
	}
	return check.Finding{}, false
}

type checkCase struct {
	name  string
	files map[string]string
	check string
	want  check.Status
}

func runCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := scanFiles(t, tc.files)
			if st := statusOf(got, tc.check); st != tc.want {
				for _, f := range got {
					t.Logf("%s %s %s: %s", f.Check, f.Status, f.Resource, f.Message)
				}
				t.Fatalf("%s: status %q, want %q", tc.check, st, tc.want)
			}
			for _, f := range got {
				if f.Location == nil {
					t.Errorf("%s finding on %s has no location", f.Check, f.Resource)
				}
			}
		})
	}
}
