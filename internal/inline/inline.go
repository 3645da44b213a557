// Package inline reads waiver marks written in scanned files and judges them
// against the config.
//
// A finding in a file can be waived inline only by naming a waiver that the
// config approves: a comment `# kollguard:waive W-12` (or `// kollguard:waive
// W-12`) on the finding's line or the line above. Apply records the named ID
// on the findings a mark covers (check.Finding.InlineWaiver); the assessment
// then lets a waiver that some mark names cover exactly the marked findings
// of its check, with the config's owner, reason and expiry, instead of
// matching by target and resource patterns. A mark can never lengthen a
// waiver or waive another check. A mark that names no approved waiver is a
// finding of its own, `inline.unapproved-waiver`: an exception written into a
// file without the documented approval the config carries (164.316(b)(1)).
//
// Marks and Apply are pure; the directory scanners call Marks on each file
// they read and the scan calls Apply once with the config's waiver IDs.
package inline

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// Keyword is the word that opens an inline waiver mark inside a comment.
const Keyword = "kollguard:waive"

// Mark is one waiver ID named by an inline mark.
type Mark struct {
	ID   string `json:"id"`
	Line int    `json:"line"` // 1-based line of the comment
}

// Covers reports whether m applies to a finding on line: the mark's own
// line or the line below it.
func (m Mark) Covers(line int) bool { return line == m.Line || line == m.Line+1 }

// Marks returns the waiver marks of a file in line order. A mark is a `#` or
// `//` comment holding Keyword followed by one or more waiver IDs separated
// by spaces or commas. Files without comments (JSON) have no marks.
func Marks(path string, data []byte) []Mark {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return nil
	}
	var out []Mark
	for i, line := range bytes.Split(data, []byte("\n")) {
		for _, id := range markIDs(string(line)) {
			out = append(out, Mark{ID: id, Line: i + 1})
		}
	}
	return out
}

// markIDs returns the IDs a line's comment names.
func markIDs(line string) []string {
	at := strings.Index(line, Keyword)
	if at < 0 || !inComment(line[:at]) {
		return nil
	}
	rest := line[at+len(Keyword):]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != ':' {
		return nil
	}
	rest = strings.TrimPrefix(rest, ":")
	var ids []string
	for _, f := range strings.FieldsFunc(rest, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '\r'
	}) {
		if f == "#" || f == "//" || strings.HasPrefix(f, "--") {
			break // a trailing comment after the IDs
		}
		ids = append(ids, f)
	}
	return ids
}

// inComment reports whether text before the keyword opens a comment: it
// ends with `#` or `//` and optional spaces.
func inComment(before string) bool {
	t := strings.TrimRight(before, " \t")
	return strings.HasSuffix(t, "#") || strings.HasSuffix(t, "//")
}

var unapproved = check.Check{
	ID:    "inline.unapproved-waiver",
	Kind:  "files",
	Title: "Inline waiver marks name approved waivers",
	Rationale: "An exception written into a file without an owner, a reason, an approver and an " +
		"expiry is undocumented; the waivers of the config carry that documentation " +
		"(164.316(b)(1)).",
	Remediation: "Add a waiver with this ID, its check, reason, owner and expiry to the " +
		"config, or remove the mark and fix the finding.",
	Severity:   check.Medium,
	Safeguards: []string{"164.316(b)(1)"},
}

// Checks returns the check of this package.
func Checks() []check.Check { return []check.Check{unapproved} }

// Apply returns findings followed by one failing `inline.unapproved-waiver`
// finding for every mark whose ID approved does not hold, located at the
// mark. marks is keyed by the path findings use in their Location; approved
// maps the waiver IDs of the config to their checks. A mark naming an
// approved waiver sets InlineWaiver on the findings of that check it covers
// (the assessment decides whether the waiver is live); one that covers no
// such finding is itself a finding, since it waives nothing.
//
// The new findings take the target of a finding in the same file, else of
// the first finding; a scan that found nothing else leaves it empty.
func Apply(findings []check.Finding, marks map[string][]Mark,
	approved map[string]string) []check.Finding {
	out := append([]check.Finding(nil), findings...)
	paths := make([]string, 0, len(marks))
	for p := range marks {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		target := targetOf(findings, p)
		for _, m := range marks[p] {
			chk, ok := approved[m.ID]
			msg := fmt.Sprintf("%s:%d: inline waiver mark names %s, which no waiver in the "+
				"config approves", p, m.Line, m.ID)
			if ok {
				if point(out, p, m, chk) {
					continue
				}
				msg = fmt.Sprintf("%s:%d: inline waiver mark names %s, a waiver of %s, but no "+
					"%s finding stands on this line or the next", p, m.Line, m.ID, chk, chk)
			}
			f := unapproved.Result(target, p, check.Fail, msg)
			out = append(out, f.With("waiver", m.ID).At(p, m.Line))
		}
	}
	return out
}

// targetOf picks the target name for findings about path.
func targetOf(findings []check.Finding, path string) string {
	for _, f := range findings {
		if f.Location != nil && f.Location.Path == path {
			return f.Target
		}
	}
	if len(findings) > 0 {
		return findings[0].Target
	}
	return ""
}

// point records an approved mark's waiver ID on the findings of the
// waiver's check chk that it covers.
// It reports whether the mark covers any finding of the waiver's check.
func point(findings []check.Finding, path string, m Mark, chk string) bool {
	found := false
	for i, f := range findings {
		if l := f.Location; l != nil && l.Path == path && m.Covers(l.Line) && f.Check == chk {
			findings[i].InlineWaiver = m.ID
			found = true
		}
	}
	return found
}
