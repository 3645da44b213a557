package config

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/kollguard/kollguard/internal/catalog"
)

// decision reads one entry of decisions.
func (p *parser) decision(n *yaml.Node, key string) Decision {
	e, ok := p.mapping(n, key, "safeguard", "status", "rationale", "alternative", "owner",
		"approved_by", "approved_on", "review_by", "scope", "evidence")
	if !ok {
		return Decision{}
	}
	d := Decision{
		Safeguard:   e.required("safeguard", "missing: name the safeguard by its citation"),
		Status:      e.required("status", "missing: implemented, alternative or not-applicable"),
		Rationale:   e.required("rationale", "missing: every decision needs a rationale"),
		Alternative: e.str("alternative"),
		Owner:       e.required("owner", "missing: every decision needs an owner"),
		ApprovedBy:  e.required("approved_by", "missing: every decision needs an approver"),
		ApprovedOn:  e.date("approved_on", "missing: the date the decision was approved"),
		ReviewBy:    e.date("review_by", "missing: every decision needs a review date"),
		Scope:       e.strs("scope"),
		Evidence:    e.strs("evidence"),
		Pos:         Pos{File: p.file, Line: n.Line},
	}
	sg, known := catalog.Lookup(d.Safeguard)
	if d.Safeguard != "" && !known {
		p.addf(e.line("safeguard"), join(key, "safeguard"),
			"unknown safeguard %s: kollguard controls lists them", quote(d.Safeguard))
	}
	switch d.Status {
	case "", Implemented, NotApplicable:
	case Alternative:
		if known && sg.Kind == catalog.Required {
			p.addf(e.line("status"), join(key, "status"),
				"%s is required: an alternative measure cannot satisfy it "+
					"(164.306(d)(3) applies to addressable specifications only)", sg.ID)
		}
		if d.Alternative == "" {
			p.add(e.line("alternative"), join(key, "alternative"),
				"missing: a decision with status alternative describes the equivalent measure")
		}
	default:
		p.addf(e.line("status"), join(key, "status"),
			"%s is not a status: use implemented, alternative or not-applicable", quote(d.Status))
	}
	if !d.ApprovedOn.IsZero() && !d.ReviewBy.IsZero() && d.ReviewBy.Before(d.ApprovedOn.Time) {
		p.addf(e.line("review_by"), join(key, "review_by"),
			"%s is before approved_on %s", d.ReviewBy, d.ApprovedOn)
	}
	return d
}

// conflicts reports two decisions for one safeguard that would hold at the
// same time for the same target: their periods from approved_on to review_by
// overlap and so do their scopes, an empty scope meaning every target.
// Decisions whose periods do not overlap are history and may stand together.
func (p *parser) conflicts(ds []Decision) {
	// Sweep each safeguard's decisions in order of approval, comparing each
	// only with those still open, so that long histories cost little.
	bySafeguard := map[string][]int{}
	for i, d := range ds {
		if d.Safeguard != "" && !d.ApprovedOn.IsZero() && !d.ReviewBy.IsZero() {
			bySafeguard[d.Safeguard] = append(bySafeguard[d.Safeguard], i)
		}
	}
	for _, idx := range bySafeguard {
		slices.SortStableFunc(idx, func(i, j int) int {
			return ds[i].ApprovedOn.Compare(ds[j].ApprovedOn.Time)
		})
		p.sweep(ds, idx)
	}
}

// sweep finds, for each decision of idx in order of approval, an earlier one
// whose period is still open and whose scope overlaps. The open decisions
// are kept in lists by target, so the work grows with the size of the
// scopes and not with the number of pairs of decisions.
func (p *parser) sweep(ds []Decision, idx []int) {
	var all, everyTarget []int
	byTarget := map[string][]int{}
	for _, j := range idx {
		b := ds[j]
		if i, ok := openOverlap(ds, b, &all, &everyTarget, byTarget); ok {
			p.conflict(ds, min(i, j), max(i, j))
		}
		all = append(all, j)
		if len(b.Scope) == 0 {
			everyTarget = append(everyTarget, j)
		}
		for _, t := range b.Scope {
			byTarget[t] = append(byTarget[t], j)
		}
	}
}

// openOverlap returns an open decision whose scope overlaps that of b.
func openOverlap(ds []Decision, b Decision, all, everyTarget *[]int,
	byTarget map[string][]int) (int, bool) {
	if len(b.Scope) == 0 {
		return firstOpen(ds, all, b.ApprovedOn)
	}
	if i, ok := firstOpen(ds, everyTarget, b.ApprovedOn); ok {
		return i, true
	}
	for _, t := range b.Scope {
		l := byTarget[t]
		i, ok := firstOpen(ds, &l, b.ApprovedOn)
		byTarget[t] = l
		if ok {
			return i, true
		}
	}
	return 0, false
}

// firstOpen drops the decisions of list whose review_by is before day from
// its front and returns the first one still open.
func firstOpen(ds []Decision, list *[]int, day Date) (int, bool) {
	for len(*list) > 0 {
		if i := (*list)[0]; !ds[i].ReviewBy.Before(day.Time) {
			return i, true
		}
		*list = (*list)[1:]
	}
	return 0, false
}

// conflict reports that decision j overlaps the earlier decision i.
func (p *parser) conflict(ds []Decision, i, j int) {
	a, b := ds[i].Pos, ds[j].Pos
	if a.File == b.File && p.file == "" {
		return // merging files: Parse reported conflicts within one file
	}
	const msg = "already decides %s for an overlapping scope and period: keep one live " +
		"decision per safeguard and target"
	if a.File != b.File {
		p.errs = append(p.errs, &Error{Pos: b, Key: "decisions",
			Msg: fmt.Sprintf("the decision at %s "+msg, a, ds[j].Safeguard)})
		return
	}
	p.addf(b.Line, fmt.Sprintf("decisions[%d]", j), "decisions[%d] (line %d) "+msg,
		i, a.Line, ds[j].Safeguard)
}
