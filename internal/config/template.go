package config

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kollguard/kollguard/internal/catalog"
)

const templateHeader = `# kollguard.yaml: the targets KollGuard scans, the decisions that document
# addressable safeguards, and the waivers that except findings for a while.
#
# Under 45 CFR 164.306(d)(3) every addressable implementation specification
# needs a documented decision: implement it, implement an equivalent
# alternative measure, or record why it is not reasonable and appropriate
# for you. Each decision below starts as "implemented"; replace every TODO,
# change the status where that is not true, and have it approved. A TODO left
# in place is an error, so that nothing looks decided before it is: delete
# the entries you cannot document yet. A decision expires after review_by and
# the safeguard then shows as a gap.
#
# status: implemented | alternative | not-applicable
# alternative: the equivalent measure (required when status is alternative)
# scope: the target names a decision covers (leave it out for every target)

# targets:
#   - name: clinic-db
#     # Never put a password in the URL: use PGPASSWORD, a pgpass file or
#     # password_env.
#     url: postgres://kollguard@db.example.internal:5432/clinic?sslmode=verify-full
#     password_env: KOLLGUARD_DB_PASSWORD
#     break_glass_role: breakglass

decisions:
`

const templateFooter = `
# waivers:
#   - id: W-1
#     check: postgres.hba.no-trust
#     target: clinic-db
#     resource: "*"
#     reason: "Replica reached only over a private link; ticket SEC-123"
#     owner: "Jane Doe"
#     expires: %s
`

// Template writes the commented kollguard.yaml of "kollguard decisions init":
// a decision for every addressable specification of the catalog, in its
// order, dated now and due for review in a year. Written as is, it parses.
func Template(w io.Writer, now time.Time) error {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	approved := Date{today}
	review := Date{today.AddDate(1, 0, 0)}
	bw := bufio.NewWriter(w)
	bw.WriteString(templateHeader)
	for _, sg := range catalog.All() {
		if sg.Kind != catalog.Addressable {
			continue
		}
		fmt.Fprintf(bw, "\n  # %s %s\n", sg.ID, sg.Title)
		for _, line := range wrap(sg.Summary, 74) {
			fmt.Fprintf(bw, "  # %s\n", line)
		}
		fmt.Fprintf(bw, "  - safeguard: %q\n", sg.ID)
		fmt.Fprintf(bw, "    status: %s\n", Implemented)
		bw.WriteString("    rationale: \"TODO\"\n    owner: \"TODO\"\n    approved_by: \"TODO\"\n")
		fmt.Fprintf(bw, "    approved_on: %s\n    review_by: %s\n", approved, review)
	}
	fmt.Fprintf(bw, templateFooter, Date{today.AddDate(0, 3, 0)})
	return bw.Flush()
}

// wrap cuts text into lines of at most width columns at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, word := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(word) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
