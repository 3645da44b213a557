package scan

import (
	"strings"
	"testing"

	"github.com/kollguard/kollguard/internal/catalog"
)

// TestEveryCheckIsWellFormed holds every check of every target kind to the
// same descriptor rules: Checks panics on a duplicate ID; each check has a
// title, a rationale that cites the rule, a remediation, a severity and a
// kind, and its safeguards are citations of the catalog.
func TestEveryCheckIsWellFormed(t *testing.T) {
	for _, c := range Checks().All() {
		t.Run(c.ID+" is fully described", func(t *testing.T) {
			if c.Title == "" || c.Remediation == "" || c.Rationale == "" || c.Kind == "" ||
				c.Severity.Rank() < 0 {
				t.Fatalf("incomplete descriptor %+v", c)
			}
			if strings.ContainsAny(c.ID, " \t") || strings.ToLower(c.ID) != c.ID {
				t.Errorf("ID %q is not a lower-case dotted name", c.ID)
			}
			for _, sg := range c.Safeguards {
				if _, ok := catalog.Lookup(sg); !ok {
					t.Errorf("safeguard %s is not in the catalog", sg)
				}
			}
			cites := strings.Contains(c.Rationale, "164.3") || strings.Contains(c.Rationale, "(e)(")
			for _, std := range []string{"RFC ", "NIST ", "CIS ", "CVE-", "FIPS "} {
				cites = cites || strings.Contains(c.Rationale, std)
			}
			if len(c.Safeguards) > 0 && !cites {
				t.Errorf("rationale cites neither the CFR nor a standard: %q", c.Rationale)
			}
		})
	}
}
