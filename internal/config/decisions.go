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
	for j, b := range ds {
		for i, a := range ds[:j] {
			if a.Safeguard == "" || a.Safeguard != b.Safeguard ||
				!periodsOverlap(a, b) || !scopesOverlap(a.Scope, b.Scope) {
				continue
			}
			p.addf(b.Pos.Line, fmt.Sprintf("decisions[%d]", j),
				"decisions[%d] (line %d) already decides %s for an overlapping scope "+
					"and period: keep one live decision per safeguard and target",
				i, a.Pos.Line, b.Safeguard)
			break
		}
	}
}

func periodsOverlap(a, b Decision) bool {
	if a.ApprovedOn.IsZero() || a.ReviewBy.IsZero() || b.ApprovedOn.IsZero() || b.ReviewBy.IsZero() {
		return false // already reported as missing or invalid
	}
	return !a.ReviewBy.Before(b.ApprovedOn.Time) && !b.ReviewBy.Before(a.ApprovedOn.Time)
}

func scopesOverlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, s := range a {
		if slices.Contains(b, s) {
			return true
		}
	}
	return false
}
