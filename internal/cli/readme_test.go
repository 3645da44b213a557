package cli

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kollguard/kollguard/internal/scan"
)

var update = flag.Bool("update", false, "rewrite generated files (README's check list)")

const (
	checksBegin = "<!-- checks:begin -->\n"
	checksEnd   = "<!-- checks:end -->"
)

// checksTable renders every check as the README lists them.
func checksTable() string {
	var b strings.Builder
	b.WriteString("| check | severity | safeguards | what it verifies |\n|---|---|---|---|\n")
	for _, c := range scan.Checks().All() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.ID, c.Severity,
			strings.Join(c.Safeguards, ", "), strings.ReplaceAll(c.Title, "|", `\|`))
	}
	return b.String()
}

func TestREADMEChecksAreCurrent(t *testing.T) {
	const path = "../../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i, j := strings.Index(readme, checksBegin), strings.Index(readme, checksEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", checksBegin, checksEnd)
	}
	want := readme[:i+len(checksBegin)] + checksTable() + readme[j:]
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != readme {
		t.Errorf("README.md's check list is stale: run go test ./internal/cli -run " +
			"TestREADMEChecks -update")
	}
}
