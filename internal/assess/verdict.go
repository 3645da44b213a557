package assess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/config"
)

// tally sorts one safeguard's findings by what they mean for its verdict.
type tally struct {
	failing []check.Finding // fail with no live waiver
	waived  []check.Finding
	open    []check.Finding // unknown or error
	passed  []check.Finding
}

func count(findings []check.Finding) tally {
	var t tally
	for _, f := range findings {
		switch {
		case f.Waived():
			t.waived = append(t.waived, f)
		case f.Status == check.Fail:
			t.failing = append(t.failing, f)
		case f.Status == check.Pass:
			t.passed = append(t.passed, f)
		default:
			t.open = append(t.open, f)
		}
	}
	return t
}

// judge decides one safeguard's verdict from its findings and the decisions
// that apply, and returns the decision the verdict rests on.
func judge(sg catalog.Safeguard, findings []check.Finding, decs []*Decision) (Verdict,
	string, *Decision) {
	var documented, implemented []*Decision
	for _, d := range decs {
		switch {
		case d.Expiry.Expired:
			return Gap, fmt.Sprintf("the %s decision owned by %s expired on %s, %s (its "+
				"review_by was %s): review it and set a new review_by",
				d.Status, d.Owner, d.Expiry.LapsesOn, days(d.Expiry.Days), d.ReviewBy), d
		case d.Status == config.Implemented:
			implemented = append(implemented, d)
		default:
			documented = append(documented, d)
		}
	}
	var rest []check.Finding
	for _, f := range findings {
		covered := func(d *Decision) bool { return inScope(d, f.Target) }
		if !slices.ContainsFunc(documented, covered) {
			rest = append(rest, f)
		}
	}
	t := count(rest)
	// An implemented decision explains open evidence of the targets it
	// covers only; open findings of other targets leave it unverified.
	var unexplained tally
	for _, f := range t.open {
		if !slices.ContainsFunc(implemented, func(d *Decision) bool {
			return inScope(d, f.Target)
		}) {
			unexplained.open = append(unexplained.open, f)
		}
	}
	dec := first(implemented)
	switch {
	case len(t.failing) > 0:
		return Gap, failReason(t), first(documented, implemented)
	case len(unexplained.open) > 0 && len(decs) > 0:
		d := first(documented, implemented)
		return Unverified, openReason(unexplained) + "; the " + d.Status +
			" decision does not cover that target", d
	case len(documented) > 0:
		v, reason := documentedVerdict(pick(documented), len(findings)-len(rest))
		return v, reason, pick(documented)
	}
	v, reason := evidenceVerdict(sg, t, dec)
	return v, reason, dec
}

// pick prefers an alternative over a not-applicable decision: when scoped
// decisions differ, the safeguard still rests on an alternative somewhere.
func pick(documented []*Decision) *Decision {
	for _, d := range documented {
		if d.Status == config.Alternative {
			return d
		}
	}
	return documented[0]
}

// first returns the first decision of the first non-empty list, or nil.
func first(lists ...[]*Decision) *Decision {
	for _, l := range lists {
		if len(l) > 0 {
			return l[0]
		}
	}
	return nil
}

// documentedVerdict is the verdict of a live alternative or not-applicable
// decision once nothing outside its scope fails.
func documentedVerdict(dec *Decision, covered int) (Verdict, string) {
	who := fmt.Sprintf("owned by %s, approved by %s on %s, review by %s",
		dec.Owner, dec.ApprovedBy, dec.ApprovedOn, dec.ReviewBy)
	note := ""
	if covered > 0 {
		note = fmt.Sprintf("; it covers %s", plural(covered, "finding"))
	}
	if dec.Status == config.NotApplicable {
		return NotApplicable, fmt.Sprintf("not applicable: %s (%s)%s", dec.Rationale, who, note)
	}
	return Alternative, fmt.Sprintf("alternative measure: %s (%s)%s", dec.Alternative, who, note)
}

// evidenceVerdict decides a safeguard with nothing failing and no documented
// alternative: met, unverified, or a required safeguard with no evidence.
func evidenceVerdict(sg catalog.Safeguard, t tally, dec *Decision) (Verdict, string) {
	implemented := ""
	if dec != nil {
		implemented = fmt.Sprintf("documented as implemented by %s (review by %s)",
			dec.Owner, dec.ReviewBy)
	}
	switch {
	case len(t.open) > 0 && dec == nil:
		return Unverified, openReason(t)
	case len(t.open) > 0:
		return Met, implemented + "; " + openReason(t)
	case len(t.passed)+len(t.waived) > 0:
		reason := passReason(t)
		if dec != nil {
			reason = implemented + "; " + reason
		}
		return Met, reason
	case dec != nil:
		return Met, implemented + "; no check covers it on the scanned targets"
	case sg.Kind == catalog.Required:
		return Gap, "required, and nothing shows it is met: no check covers it on the scanned " +
			"targets and no decision documents it; add a decision for it to kollguard.yaml " +
			"(status implemented with evidence, or not-applicable with the reason)"
	}
	return Unverified, "no check covers it on the scanned targets and no decision documents it: " +
		"record one in kollguard.yaml (kollguard decisions init writes a template)"
}

func failReason(t tally) string {
	first := t.failing[0]
	verb := " fail"
	if len(t.failing) == 1 {
		verb = " fails"
	}
	reason := fmt.Sprintf("%s: %s on %s: %s", plural(len(t.failing), "finding")+verb,
		first.Check, first.Target, first.Message)
	if n := len(t.failing) - 1; n > 0 {
		reason += fmt.Sprintf(" (and %d more)", n)
	}
	return reason
}

func openReason(t tally) string {
	first := t.open[0]
	reason := fmt.Sprintf("nothing fails, but %s could not decide: %s on %s: %s",
		plural(len(t.open), "finding"), first.Check, first.Target, first.Message)
	if n := len(t.open) - 1; n > 0 {
		reason += fmt.Sprintf(" (and %d more)", n)
	}
	return reason
}

func passReason(t tally) string {
	var checks, targets []string
	for _, f := range append(slices.Clone(t.passed), t.waived...) {
		checks = appendNew(checks, f.Check)
		targets = appendNew(targets, f.Target)
	}
	reason := fmt.Sprintf("%s passed on %s", plural(len(checks), "check"),
		strings.Join(targets, ", "))
	if len(t.waived) > 0 {
		var ids []string
		for _, f := range t.waived {
			ids = appendNew(ids, f.Waiver.ID+" until "+f.Waiver.Expires)
		}
		reason += fmt.Sprintf("; %s waived (%s)", plural(len(t.waived), "failing finding"),
			strings.Join(ids, ", "))
	}
	return reason
}

func inScope(dec *Decision, target string) bool {
	return len(dec.Scope) == 0 || slices.Contains(dec.Scope, target)
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func days(n int) string {
	if n == 0 {
		return "today"
	}
	return plural(n, "day") + " ago"
}
