// Package check defines what a check is and what it produces: the Check
// descriptor with its stable ID and the safeguards it is evidence for, and the
// Finding that records one check's result on one resource.
//
// Checks are pure functions from a collector's snapshot to findings; the
// types here carry no behaviour of their own so that every target package
// (postgres, tls, terraform, ...) can describe its checks the same way.
package check

import (
	"fmt"
	"sort"
)

// Status is the outcome of a check on one resource.
type Status string

// The finding statuses of DESIGN.md's status model.
const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Unknown Status = "unknown" // could not be determined; the message says why
	Error   Status = "error"   // the collector failed
)

// Severity ranks how much a failing finding matters.
type Severity string

// Severities from least to most serious.
const (
	Info     Severity = "info"
	Low      Severity = "low"
	Medium   Severity = "medium"
	High     Severity = "high"
	Critical Severity = "critical"
)

// Rank orders severities: Info is 0, Critical is 4; an unknown value is -1.
func (s Severity) Rank() int {
	switch s {
	case Info:
		return 0
	case Low:
		return 1
	case Medium:
		return 2
	case High:
		return 3
	case Critical:
		return 4
	}
	return -1
}

// Check describes one automated test of one property. Its ID is stable
// across releases: waivers and CI configurations refer to it.
type Check struct {
	ID          string   `json:"id"`
	Kind        string   `json:"target_kind"` // the kind of target it reads: "postgres", ...
	Title       string   `json:"title"`
	Rationale   string   `json:"rationale"`
	Remediation string   `json:"remediation"`
	Severity    Severity `json:"severity"`
	Safeguards  []string `json:"safeguards"`
}

// Finding is one check's result on one resource of one target.
type Finding struct {
	Check      string         `json:"check"`
	Target     string         `json:"target"`
	Resource   string         `json:"resource"`
	Status     Status         `json:"status"`
	Severity   Severity       `json:"severity"`
	Message    string         `json:"message"`
	Evidence   map[string]any `json:"evidence"`
	Safeguards []string       `json:"safeguards"`
	// Location is where in a file the resource is defined, for targets read
	// from files (Terraform, manifests, server configs).
	Location *Location `json:"location,omitempty"`
	// InlineWaiver is the waiver ID that an approved inline mark at the
	// finding's line names (`# kollguard:waive W-12`).
	InlineWaiver string     `json:"inline_waiver,omitempty"`
	Waiver       *WaiverRef `json:"waiver,omitempty"`
}

// Location is a place in a file; Path is as the user would open it,
// relative to the working directory when the target was named that way.
type Location struct {
	Path string `json:"path"`
	Line int    `json:"line,omitempty"` // 0: the file as a whole
}

// At returns f located at path and line.
func (f Finding) At(path string, line int) Finding {
	f.Location = &Location{Path: path, Line: line}
	return f
}

// WaiverRef is the waiver a failing finding carries. A finding keeps status
// fail under a waiver; Live says whether the waiver still covers it.
type WaiverRef struct {
	ID      string `json:"id"`
	Reason  string `json:"reason"`
	Owner   string `json:"owner"`
	Expires string `json:"expires"`
	Live    bool   `json:"live"`
	// ExpiredDays is how many days ago the waiver expired; 0 while live.
	ExpiredDays int `json:"expired_days,omitempty"`
}

// Waived reports whether f fails but is covered by a live waiver.
func (f Finding) Waived() bool {
	return f.Status == Fail && f.Waiver != nil && f.Waiver.Live
}

// Result builds a finding of c with the check's severity and safeguards.
func (c Check) Result(target, resource string, status Status, msg string) Finding {
	return Finding{
		Check:      c.ID,
		Target:     target,
		Resource:   resource,
		Status:     status,
		Severity:   c.Severity,
		Message:    msg,
		Evidence:   map[string]any{},
		Safeguards: c.Safeguards,
	}
}

// Resultf is Result with a formatted message.
func (c Check) Resultf(target, resource string, status Status, format string, args ...any) Finding {
	return c.Result(target, resource, status, fmt.Sprintf(format, args...))
}

// With returns f with key set to value in its evidence.
func (f Finding) With(key string, value any) Finding {
	ev := make(map[string]any, len(f.Evidence)+1)
	for k, v := range f.Evidence {
		ev[k] = v
	}
	ev[key] = value
	f.Evidence = ev
	return f
}

// Set is a collection of checks indexed by ID.
type Set struct {
	byID  map[string]Check
	order []string
}

// NewSet returns a set of the given checks. It panics on a duplicate ID,
// which is a programming error caught by any test that builds the set.
func NewSet(lists ...[]Check) *Set {
	s := &Set{byID: map[string]Check{}}
	for _, list := range lists {
		for _, c := range list {
			if _, dup := s.byID[c.ID]; dup {
				panic("check: duplicate check ID " + c.ID)
			}
			s.byID[c.ID] = c
			s.order = append(s.order, c.ID)
		}
	}
	sort.Strings(s.order)
	return s
}

// Lookup returns the check with the given ID.
func (s *Set) Lookup(id string) (Check, bool) {
	c, ok := s.byID[id]
	return c, ok
}

// All returns every check sorted by ID.
func (s *Set) All() []Check {
	out := make([]Check, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.byID[id])
	}
	return out
}

// ForSafeguard returns the IDs of the checks that are evidence for the
// safeguard with the given citation, sorted.
func (s *Set) ForSafeguard(id string) []string {
	var out []string
	for _, cid := range s.order {
		for _, sg := range s.byID[cid].Safeguards {
			if sg == id {
				out = append(out, cid)
				break
			}
		}
	}
	return out
}

// Rule pairs a check with the function that evaluates it; target packages
// keep their checks as tables of rules.
type Rule[F any] struct {
	Check
	Eval F
}

// Descriptors returns the checks of a table of rules, in table order.
func Descriptors[F any](rules []Rule[F]) []Check {
	out := make([]Check, len(rules))
	for i, r := range rules {
		out[i] = r.Check
	}
	return out
}
