package terraform

import (
	"context"
	"testing"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// checkCase is a passing and a failing configuration for one check.
type checkCase struct {
	id, pass, fail string
}

// loadFiles writes files (name to content) to a temporary directory and
// loads it.
func loadFiles(t *testing.T, files map[string]string, o Options) *Snapshot {
	t.Helper()
	dir, _ := scanfiletest.WriteTree(t, files)
	s, err := Load(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// findingsOf returns the findings of one check on the configuration.
func findingsOf(t *testing.T, id string, files map[string]string, o Options) []check.Finding {
	t.Helper()
	var out []check.Finding
	for _, f := range Evaluate(loadFiles(t, files, o), "test") {
		if f.Check == id {
			out = append(out, f)
		}
	}
	return out
}

func expectAll(t *testing.T, fs []check.Finding, want check.Status) {
	t.Helper()
	if len(fs) == 0 {
		t.Fatalf("no findings, want %s", want)
	}
	for _, f := range fs {
		if f.Status != want {
			t.Errorf("%s on %s: %s (%s), want %s", f.Check, f.Resource, f.Status, f.Message, want)
		}
	}
}

func allCases() []checkCase {
	var out []checkCase
	for _, l := range [][]checkCase{awsCases, azureCases, gcpCases} {
		out = append(out, l...)
	}
	return out
}

func TestChecks(t *testing.T) {
	for _, c := range allCases() {
		t.Run(c.id+" passes a compliant resource", func(t *testing.T) {
			fs := findingsOf(t, c.id, map[string]string{"main.tf": c.pass}, Options{})
			expectAll(t, fs, check.Pass)
		})
		t.Run(c.id+" fails a non-compliant resource", func(t *testing.T) {
			fs := findingsOf(t, c.id, map[string]string{"main.tf": c.fail}, Options{})
			expectAll(t, fs, check.Fail)
		})
	}
}

func TestEveryCheckIsTestedAndDescribed(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range allCases() {
		if tested[c.id] {
			t.Errorf("%s has two cases", c.id)
		}
		tested[c.id] = true
	}
	set := check.NewSet(Checks())
	all := set.All()
	if len(all) < 51 {
		t.Errorf("%d checks, want at least 50 plus the configuration check", len(all))
	}
	for _, c := range all {
		if c.ID != configCheck.ID && !tested[c.ID] {
			t.Errorf("%s has no passing and failing case", c.ID)
		}
		if c.Kind != Kind || c.Title == "" || c.Rationale == "" || c.Remediation == "" ||
			c.Severity.Rank() < 0 || len(c.Safeguards) == 0 {
			t.Errorf("%s is not fully described", c.ID)
		}
		for _, sg := range c.Safeguards {
			if _, ok := catalog.Lookup(sg); !ok {
				t.Errorf("%s cites %s, which is not in the catalog", c.ID, sg)
			}
		}
	}
}
