package secrets

import (
	"strings"
	"testing"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
)

// TestCheckDescriptors holds every check to the descriptor rules: a unique
// ID in this package's namespace, a known kind, safeguards from the
// catalog, and a rationale citing the safeguard it is evidence for.
func TestCheckDescriptors(t *testing.T) {
	set := check.NewSet(Checks()) // panics on a duplicate ID
	for _, c := range set.All() {
		t.Run(c.ID+" is fully described", func(t *testing.T) {
			if c.Title == "" || c.Remediation == "" || c.Severity.Rank() < 0 || c.Kind == "" {
				t.Fatalf("incomplete descriptor %+v", c)
			}
			if len(c.Safeguards) == 0 {
				t.Fatal("no safeguard")
			}
			for _, sg := range c.Safeguards {
				if _, ok := catalog.Lookup(sg); !ok {
					t.Errorf("safeguard %s is not in the catalog", sg)
				}
			}
			if !strings.Contains(c.Rationale, "(164.3") {
				t.Errorf("rationale does not cite its safeguard: %q", c.Rationale)
			}
		})
	}
}
