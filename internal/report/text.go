package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/kollguard/kollguard/internal/assess"
	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
)

const textWidth = 100

// palette holds the ANSI sequences of a text report; all empty without colour.
type palette struct {
	bold, dim, reset string
	verdict          map[assess.Verdict]string
}

func newPalette(color bool) palette {
	if !color {
		return palette{verdict: map[assess.Verdict]string{}}
	}
	return palette{
		bold: "\x1b[1m", dim: "\x1b[2m", reset: "\x1b[0m",
		verdict: map[assess.Verdict]string{
			assess.Gap: "\x1b[31m", assess.Unverified: "\x1b[33m", assess.Met: "\x1b[32m",
			assess.Alternative: "\x1b[36m", assess.NotApplicable: "\x1b[36m",
		},
	}
}

// textWriter renders the text report: targets, safeguards grouped by
// section and standard, then failing findings with evidence and remediation.
type textWriter struct {
	w *bufio.Writer
	p palette
	r *Report
}

func writeText(w io.Writer, r *Report, color bool) error {
	t := &textWriter{w: bufio.NewWriter(w), p: newPalette(color), r: r}
	t.header()
	t.safeguards()
	t.findings("Failing findings", func(f check.Finding) bool {
		return f.Status == check.Fail && !f.Waived()
	})
	t.findings("Waived findings", check.Finding.Waived)
	t.findings("Undecided findings", func(f check.Finding) bool {
		return f.Status == check.Unknown || f.Status == check.Error
	})
	t.summary()
	return t.w.Flush()
}

func (t *textWriter) printf(format string, args ...any) {
	fmt.Fprintf(t.w, format, args...)
}

func (t *textWriter) header() {
	t.printf("%s%s %s: HIPAA Security Rule assessment, %s%s\n\n", t.p.bold, "KollGuard",
		t.r.Tool.Version, t.r.StartedAt.Format("2006-01-02 15:04 MST"), t.p.reset)
	t.printf("%sTargets%s\n", t.p.bold, t.p.reset)
	if len(t.r.Targets) == 0 {
		t.printf("  none: every verdict below rests on decisions alone\n")
	}
	width := 0
	for _, tg := range t.r.Targets {
		width = max(width, len(tg.Name))
	}
	for _, tg := range t.r.Targets {
		t.printf("  %-*s  %-9s %-11s %s\n", width, tg.Name, tg.Kind, tg.Status, tg.Address)
		if tg.Error != "" {
			t.wrap("      ", tg.Error)
		}
		if tg.CollectedAt != nil {
			t.printf("      judged from saved evidence collected %s\n",
				tg.CollectedAt.UTC().Format("2006-01-02 15:04 MST"))
		}
	}
}

func (t *textWriter) safeguards() {
	section, standard := "", ""
	for _, s := range t.r.Safeguards {
		sg, _ := catalog.Lookup(s.ID)
		if sg.Section != section {
			section = sg.Section
			t.printf("\n%s%s (%s)%s\n", t.p.bold, catalog.SectionTitle(section), section,
				t.p.reset)
		}
		if s.Standard != standard {
			standard = s.Standard
			std, _ := catalog.Lookup(standard)
			t.printf("  %s%s %s%s\n", t.p.bold, std.ID, std.Title, t.p.reset)
		}
		t.printf("    %s%-14s%s %-20s %-12s %s\n", t.p.verdict[s.Verdict],
			strings.ToUpper(string(s.Verdict)), t.p.reset, s.ID, s.Kind, s.Title)
		t.wrap("                   ", s.Reason)
		if d := s.Decision; d != nil && !strings.Contains(s.Reason, "decision") {
			t.wrap("                   decision: ", fmt.Sprintf("%s, owned by %s, review by %s",
				d.Status, d.Owner, d.ReviewBy))
		}
	}
}

func (t *textWriter) findings(title string, keep func(check.Finding) bool) {
	var list []check.Finding
	for _, f := range t.r.Findings {
		if keep(f) {
			list = append(list, f)
		}
	}
	if len(list) == 0 {
		return
	}
	sort.SliceStable(list, func(i, j int) bool {
		return list[i].Severity.Rank() > list[j].Severity.Rank()
	})
	t.printf("\n%s%s (%d)%s\n", t.p.bold, title, len(list), t.p.reset)
	list = t.collapseErrors(list)
	for _, f := range list {
		label, color := string(f.Severity), t.p.verdict[assess.Gap]
		if f.Status != check.Fail {
			label, color = string(f.Status), t.p.verdict[assess.Unverified]
		}
		where := f.Resource
		if l := f.Location; l != nil && l.Line > 0 {
			where += fmt.Sprintf(" (%s:%d)", l.Path, l.Line)
		} else if l != nil {
			where += " (" + l.Path + ")"
		}
		t.printf("  %s[%s]%s %s  %s  %s\n", color, label, t.p.reset, f.Check, f.Target, where)
		t.wrap("      ", f.Message)
		if ev := evidence(f.Evidence); ev != "" {
			t.wrap("      "+t.p.dim+"evidence: ", ev+t.p.reset)
		}
		if c := t.check(f.Check); c.Remediation != "" && f.Status == check.Fail {
			t.wrap("      fix: ", c.Remediation)
		}
		if f.Waiver != nil {
			t.wrap("      waiver: ", fmt.Sprintf("%s (%s, owner %s, expires %s)",
				f.Waiver.ID, f.Waiver.Reason, f.Waiver.Owner, f.Waiver.Expires))
		}
		if f.Status != check.Fail {
			for _, d := range t.explaining(f) {
				t.wrap("      explained by: ", d)
			}
		}
		t.printf("      safeguards: %s\n", strings.Join(f.Safeguards, ", "))
	}
}

// collapseErrors prints the error findings that share a target and a
// message (every check of a target that could not be read) as one entry,
// and returns the other findings.
func (t *textWriter) collapseErrors(list []check.Finding) []check.Finding {
	type key struct{ target, msg string }
	groups := map[key][]string{}
	var order []key
	var rest []check.Finding
	for _, f := range list {
		if f.Status != check.Error {
			rest = append(rest, f)
			continue
		}
		k := key{f.Target, f.Message}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f.Check)
	}
	for _, k := range order {
		if len(groups[k]) == 1 {
			for _, f := range list {
				if f.Status == check.Error && f.Target == k.target && f.Message == k.msg {
					rest = append(rest, f)
				}
			}
			continue
		}
		t.printf("  %s[error]%s %d checks  %s\n", t.p.verdict[assess.Unverified], t.p.reset,
			len(groups[k]), k.target)
		t.wrap("      ", k.msg)
	}
	return rest
}

// explaining names the live decisions that cover an undecided finding's
// safeguards on its target, so that the report does not seem to ask for a
// decision that exists.
func (t *textWriter) explaining(f check.Finding) []string {
	var out []string
	for _, s := range t.r.Safeguards {
		d := s.Decision
		if d == nil || d.Expiry.Expired || !slices.Contains(f.Safeguards, s.ID) ||
			(len(d.Scope) > 0 && !slices.Contains(d.Scope, f.Target)) {
			continue
		}
		out = append(out, fmt.Sprintf("the %s decision for %s (owner %s, review by %s)",
			d.Status, s.ID, d.Owner, d.ReviewBy))
	}
	return out
}

func (t *textWriter) check(id string) check.Check {
	for _, c := range t.r.Checks {
		if c.ID == id {
			return c
		}
	}
	return check.Check{}
}

func (t *textWriter) summary() {
	var parts []string
	for _, v := range assess.Verdicts {
		if n := t.r.Summary.Verdicts[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	t.printf("\n%s%d safeguards: %s.%s\n", t.p.bold, len(t.r.Safeguards),
		strings.Join(parts, ", "), t.p.reset)
	if n := t.r.Summary.NotShown; n > 0 {
		t.printf("%d more safeguards of the rule are not shown: no finding or decision of "+
			"this scan speaks to them (--all shows them).\n", n)
	}
	switch sum := t.r.Summary; {
	case sum.FailOn == Never:
		t.printf("Exit 0: --fail-on never.\n")
	case sum.Passed:
		t.printf("Exit 0: no safeguard is %s or worse.\n", sum.FailOn)
	case sum.NotScanned > 0:
		t.printf("Exit 1: %d target(s) could not be scanned, so nothing was assessed "+
			"there.\n", sum.NotScanned)
	default:
		t.printf("Exit 1: some safeguards are %s or worse (--fail-on %s).\n",
			t.r.Summary.FailOn, t.r.Summary.FailOn)
	}
}

// wrap writes text after prefix, folded to the report width; continuation
// lines are indented as deep as the prefix's visible width.
func (t *textWriter) wrap(prefix, text string) {
	indent := strings.Repeat(" ", visibleLen(prefix))
	line := prefix
	width := visibleLen(prefix)
	for i, word := range strings.Fields(text) {
		if i > 0 && width+1+len(word) > textWidth {
			t.printf("%s\n", line)
			line, width = indent+word, len(indent)+len(word)
			continue
		}
		if i > 0 {
			line += " "
			width++
		}
		line += word
		width += len(word)
	}
	t.printf("%s\n", line)
}

// visibleLen is the width of s without ANSI escape sequences.
func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc && r == 'm':
			esc = false
		case !esc:
			n++
		}
	}
	return n
}

// evidence renders an evidence map as sorted key=value pairs.
func evidence(ev map[string]any) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(ev)) {
		if v, ok := ev[k].(string); ok && v == "" {
			continue // nothing to show
		}
		switch v := ev[k].(type) {
		case string, bool, int, int64, float64:
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		default:
			b, _ := json.Marshal(v)
			parts = append(parts, k+"="+string(b))
		}
	}
	return strings.Join(parts, " ")
}
