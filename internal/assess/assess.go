// Package assess joins findings, waivers and decisions into one verdict per
// safeguard of the HIPAA Security Rule, for every safeguard in view, each with
// a reason in plain words. It is pure: the same input and clock always give
// the same assessment, and expiry of decisions and waivers is computed here
// once so that every report shows the same result.
package assess

import (
	"path"
	"slices"
	"time"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/config"
)

// Verdict is the outcome for one safeguard (DESIGN.md, status model).
type Verdict string

// The verdicts, from best to worst for exit-code purposes.
const (
	Met           Verdict = "met"
	NotApplicable Verdict = "not-applicable"
	Alternative   Verdict = "alternative"
	Unverified    Verdict = "unverified"
	Gap           Verdict = "gap"
)

// Verdicts lists every verdict in report order, worst first.
var Verdicts = []Verdict{Gap, Unverified, Alternative, NotApplicable, Met}

// Input is everything an assessment needs.
type Input struct {
	Now       time.Time
	Checks    *check.Set
	Findings  []check.Finding
	Decisions []config.Decision
	Waivers   []config.Waiver
	// Targets names the scanned targets; a decision scoped to none of them
	// does not apply. Nil means every decision applies.
	Targets []string
	// All includes every safeguard of the rule; otherwise 164.312 and every
	// other safeguard that a decision or a finding of this scan speaks to (a
	// check of a kind of target the scan did not include says nothing).
	All bool
}

// Safeguard is the assessment of one safeguard, as the JSON report shows it.
type Safeguard struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Standard string       `json:"standard"`
	Kind     catalog.Kind `json:"kind"`
	Verdict  Verdict      `json:"verdict"`
	Reason   string       `json:"reason"`
	Checks   []string     `json:"checks"`
	Decision *Decision    `json:"decision,omitempty"`
}

// Decision is a configured decision with its expiry worked out.
type Decision struct {
	config.Decision
	Expiry config.Expiry `json:"expiry"`
}

// Assessment is the result: findings with their waivers attached, and a
// verdict for every safeguard in view, in the order of the regulation.
type Assessment struct {
	Safeguards []Safeguard
	Findings   []check.Finding
	// NotShown counts the safeguards outside 164.312 left out because no
	// finding or decision speaks to them (Input.All shows them).
	NotShown int
}

// Assess evaluates in.
func Assess(in Input) *Assessment {
	findings := applyWaivers(in.Findings, in.Waivers, in.Now)
	out := &Assessment{Findings: findings}
	for _, sg := range catalog.All() {
		checks := in.Checks.ForSafeguard(sg.ID)
		decs := decisionsFor(sg.ID, in.Decisions, in.Targets, in.Now)
		var mine []check.Finding
		for _, f := range findings {
			if slices.Contains(f.Safeguards, sg.ID) {
				mine = append(mine, f)
			}
		}
		if !in.All && !sg.Technical() && len(mine) == 0 && len(decs) == 0 {
			out.NotShown++
			continue
		}
		verdict, reason, dec := judge(sg, mine, decs)
		out.Safeguards = append(out.Safeguards, Safeguard{
			ID: sg.ID, Title: sg.Title, Standard: sg.Standard, Kind: sg.Kind,
			Verdict: verdict, Reason: reason, Checks: nonNil(checks), Decision: dec,
		})
	}
	return out
}

// Worst returns the worst verdict among safeguards, or Met when there are none.
func (a *Assessment) Worst() Verdict {
	worst := Met
	for _, s := range a.Safeguards {
		if Rank(s.Verdict) > Rank(worst) {
			worst = s.Verdict
		}
	}
	return worst
}

// Rank orders verdicts by how much they need attention: Met and the
// documented verdicts are 0, Unverified 1, Gap 2.
func Rank(v Verdict) int {
	switch v {
	case Gap:
		return 2
	case Unverified:
		return 1
	}
	return 0
}

// Count returns how many safeguards have each verdict.
func (a *Assessment) Count() map[Verdict]int {
	n := map[Verdict]int{}
	for _, s := range a.Safeguards {
		n[s.Verdict]++
	}
	return n
}

// applyWaivers attaches to each failing finding the waiver that covers it,
// preferring a live one, and notes an expired waiver in the message.
func applyWaivers(in []check.Finding, waivers []config.Waiver, now time.Time) []check.Finding {
	// A waiver is named inline when a mark points it at a finding of its
	// own check; a stray mark elsewhere does not narrow it.
	checkOf := map[string]string{}
	for _, w := range waivers {
		checkOf[w.ID] = w.Check
	}
	inline := map[string]bool{}
	for _, f := range in {
		if f.InlineWaiver != "" && checkOf[f.InlineWaiver] == f.Check {
			inline[f.InlineWaiver] = true
		}
	}
	out := make([]check.Finding, len(in))
	for i, f := range in {
		out[i] = f
		if f.Status != check.Fail {
			continue
		}
		var best *check.WaiverRef
		for _, w := range waivers {
			if !waiverMatches(w, f, inline[w.ID]) {
				continue
			}
			exp := config.ExpiryAt(w.Expires, now)
			ref := &check.WaiverRef{
				ID: w.ID, Reason: w.Reason, Owner: w.Owner,
				Expires: w.Expires.String(), Live: !exp.Expired,
			}
			if exp.Expired {
				ref.ExpiredDays = exp.Days
			}
			if best == nil || (ref.Live && !best.Live) {
				best = ref
			}
		}
		out[i].Waiver = best
		if best != nil && !best.Live {
			out[i].Message += " (waiver " + best.ID + " expired on " +
				nextDay(best.Expires) + "; it no longer covers this finding)"
		}
	}
	return out
}

// waiverMatches tells whether w covers f. A waiver that an inline mark names
// covers exactly the findings of its check that such a mark points at;
// any other waiver covers findings by its target and resource patterns.
func waiverMatches(w config.Waiver, f check.Finding, namedInline bool) bool {
	if w.Check != f.Check {
		return false
	}
	if namedInline {
		return f.InlineWaiver == w.ID
	}
	return glob(w.Target, f.Target) && glob(w.Resource, f.Resource)
}

// glob matches name against pattern; an empty pattern matches everything.
// Patterns were validated when the config was loaded.
func glob(pattern, name string) bool {
	if pattern == "" {
		return true
	}
	ok, _ := path.Match(pattern, name)
	return ok
}

// nextDay turns a waiver's last day into the first day it no longer holds.
func nextDay(last string) string {
	d, err := config.ParseDate(last)
	if err != nil {
		return last
	}
	return d.AddDate(0, 0, 1).Format(time.DateOnly)
}

// decisionsFor returns the decisions documenting safeguard id that apply
// to the scanned targets, each with its expiry worked out. An expired one is
// left out when a live one stands for the same scope: it is history.
func decisionsFor(id string, decisions []config.Decision, targets []string,
	now time.Time) []*Decision {
	var all []*Decision
	for _, d := range decisions {
		if d.Safeguard == id && applies(d.Scope, targets) {
			all = append(all, &Decision{Decision: d, Expiry: config.ExpiryAt(d.ReviewBy, now)})
		}
	}
	var out []*Decision
	for _, d := range all {
		if !d.Expiry.Expired || !slices.ContainsFunc(all, func(o *Decision) bool {
			return !o.Expiry.Expired && covers(o.Scope, d.Scope)
		}) {
			out = append(out, d)
		}
	}
	return out
}

// covers reports whether a decision scoped to outer speaks for every target
// of one scoped to inner: an empty scope covers every target.
func covers(outer, inner []string) bool {
	if len(outer) == 0 {
		return true
	}
	if len(inner) == 0 {
		return false
	}
	for _, t := range inner {
		if !slices.Contains(outer, t) {
			return false
		}
	}
	return true
}

// applies tells whether a decision scoped to scope speaks to the scan.
func applies(scope, targets []string) bool {
	if len(scope) == 0 || targets == nil {
		return true
	}
	return slices.ContainsFunc(scope, func(s string) bool { return slices.Contains(targets, s) })
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
