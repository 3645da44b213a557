package terraform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// Kind is the target kind of every Terraform check.
const Kind = "terraform"

// rule is a check with the resource types it judges and its logic.
type rule struct {
	check.Check
	types []string
	judge func(x *index, r *Resource) verdict
}

// verdict is a check's result on one resource.
type verdict struct {
	status check.Status
	msg    string
	ev     map[string]any
}

// def builds a rule; safeguards are citations from the catalog.
func def(id, title, why, fix string, sev check.Severity, sg []string, types []string,
	judge func(*index, *Resource) verdict) rule {
	return rule{
		Check: check.Check{ID: id, Kind: Kind, Title: title, Rationale: why,
			Remediation: fix, Severity: sev, Safeguards: sg},
		types: types, judge: judge,
	}
}

// allRules returns every rule, cloud by cloud.
func allRules() []rule {
	var out []rule
	for _, list := range [][]rule{awsStorageRules, awsDatabaseRules, awsLoggingRules,
		awsNetworkRules, awsIdentityRules, azureRules, gcpRules} {
		out = append(out, list...)
	}
	return out
}

// configCheck reports files that could not be read or evaluated: the
// resources in them are not judged, so every safeguard the Terraform checks
// cover stays unverified until the problem is fixed.
var configCheck = check.Check{
	ID: "terraform.config.evaluated", Kind: Kind,
	Title: "The Terraform configuration reads and evaluates completely",
	Rationale: "A file that does not parse, a module that is not available or a reference " +
		"cycle hides the resources behind it from every other check, so the 164.312 " +
		"safeguards those checks speak to cannot be shown met.",
	Remediation: "Fix the syntax error, run terraform init to fetch remote modules, or " +
		"break the cycle named in the message.",
	Severity: check.Medium,
}

// Checks returns every Terraform check.
func Checks() []check.Check {
	rules := allRules()
	out := make([]check.Check, 0, len(rules)+1)
	cc := configCheck
	cc.Safeguards = coveredSafeguards(rules)
	out = append(out, cc)
	for _, r := range rules {
		out = append(out, r.Check)
	}
	return out
}

func coveredSafeguards(rules []rule) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rules {
		for _, sg := range r.Safeguards {
			if !seen[sg] {
				seen[sg] = true
				out = append(out, sg)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Evaluate runs every check on s. Each resource a check applies to gets
// one finding; each problem in s.Errors gets an error finding.
func Evaluate(s *Snapshot, target string) []check.Finding {
	rules := allRules()
	x := newIndex(s)
	var out []check.Finding
	cc := configCheck
	cc.Safeguards = coveredSafeguards(rules)
	out = append(out, problemFindings(cc, s.Errors, target)...)
	for _, ru := range rules {
		for _, typ := range ru.types {
			for _, r := range x.byType[typ] {
				if f, ok := ru.finding(x, r, target); ok {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// problemFindings gives one error finding per file with problems: its
// first problem, and how many more there are. A file of binary junk has
// thousands of diagnostics; one line says enough.
func problemFindings(cc check.Check, problems []Problem, target string) []check.Finding {
	var out []check.Finding
	index := map[string]int{}
	more := map[string]int{}
	for _, p := range problems {
		if _, seen := index[p.File]; seen {
			more[p.File]++
			continue
		}
		index[p.File] = len(out)
		f := cc.Result(target, p.File, check.Error, p.Error())
		if p.File != "" {
			f = f.At(p.File, p.Line)
		}
		out = append(out, f)
	}
	for file, n := range more {
		f := &out[index[file]]
		f.Message += fmt.Sprintf(" (and %d more problems in this file)", n)
		f.Evidence = map[string]any{"more_problems": n}
	}
	return out
}

// finding judges one resource; a panic in a judge (a bug, or a shape of
// input no test foresaw) becomes an unknown finding, not a crash.
func (ru rule) finding(x *index, r *Resource, target string) (f check.Finding, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			f = ru.Resultf(target, r.Address, check.Unknown, "the check could not judge "+
				"this resource: %v", p)
			ok = true
		}
	}()
	v := ru.judge(x, r)
	if v.status == "" {
		return f, false
	}
	f = ru.Result(target, r.Address, v.status, v.msg)
	for k, val := range v.ev {
		f = f.With(k, val)
	}
	if r.File != "" {
		f = f.At(r.File, r.Line)
	}
	return f, true
}

// index gives checks fast access to resources and their references.
type index struct {
	s         *Snapshot
	byType    map[string][]*Resource
	byAddr    map[string]*Resource
	referrers map[string][]*Resource
}

func newIndex(s *Snapshot) *index {
	x := &index{s: s, byType: map[string][]*Resource{}, byAddr: map[string]*Resource{},
		referrers: map[string][]*Resource{}}
	for i := range s.Resources {
		r := &s.Resources[i]
		x.byAddr[r.Address] = r
		if r.Mode == "data" {
			continue
		}
		x.byType[r.Type] = append(x.byType[r.Type], r)
		seen := map[string]bool{}
		for _, refs := range r.References {
			for _, a := range refs {
				if !seen[a] {
					seen[a] = true
					x.referrers[a] = append(x.referrers[a], r)
				}
			}
		}
	}
	return x
}

// companions returns the resources of type typ whose argument attr
// references r: an S3 bucket's encryption configuration, a storage
// account's customer-managed key. In a state file, which keeps no
// references, an argument equal to r's id, name or arn links them.
func (x *index) companions(r *Resource, typ, attr string) []*Resource {
	var out []*Resource
	seen := map[*Resource]bool{}
	add := func(c *Resource) {
		if !seen[c] && c.Type == typ {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, key := range []string{r.Address, stripLastKey(r.Address)} {
		for _, c := range x.referrers[key] {
			if refersTo(c.References[attr], r.Address) {
				add(c)
			}
		}
	}
	if x.s.Source != "configuration" {
		ids := identities(r)
		for _, c := range x.byType[typ] {
			if v, ok := c.get(attr).text(); ok && ids[v] {
				add(c)
			}
		}
	}
	return out
}

// referenced returns the resources of type typ that r's argument attr
// references: a database's parameter group.
func (x *index) referenced(r *Resource, attr, typ string) []*Resource {
	var out []*Resource
	for _, a := range r.References[attr] {
		if t := x.byAddr[a]; t != nil && t.Type == typ {
			out = append(out, t)
		}
	}
	if len(out) == 0 && x.s.Source != "configuration" {
		if v, ok := r.get(attr).text(); ok {
			for _, t := range x.byType[typ] {
				if identities(t)[v] {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

func refersTo(refs []string, addr string) bool {
	for _, a := range refs {
		if a == addr || a == stripLastKey(addr) {
			return true
		}
	}
	return false
}

// stripLastKey removes a trailing instance key: b[0] -> b.
func stripLastKey(addr string) string {
	if strings.HasSuffix(addr, "]") {
		if i := strings.LastIndex(addr, "["); i > 0 {
			return addr[:i]
		}
	}
	return addr
}

// identities are the known values that can name r in another resource.
func identities(r *Resource) map[string]bool {
	out := map[string]bool{}
	for _, k := range []string{"id", "arn", "name", "bucket"} {
		if v, ok := r.get(k).text(); ok && v != "" {
			out[v] = true
		}
	}
	return out
}

func pass(format string, args ...any) verdict {
	return verdict{status: check.Pass, msg: fmt.Sprintf(format, args...)}
}

func fail(format string, args ...any) verdict {
	return verdict{status: check.Fail, msg: fmt.Sprintf(format, args...)}
}

// unsure is the verdict on a value that is not known statically: it names
// the expression.
func unsure(v val, what string) verdict {
	return verdict{status: check.Unknown,
		msg: fmt.Sprintf("%s is not known before apply: %s", what, v.why),
		ev:  map[string]any{"expression": v.why}}
}

// with adds evidence to v.
func (v verdict) with(k string, val any) verdict {
	ev := map[string]any{k: val}
	for key, e := range v.ev {
		ev[key] = e
	}
	v.ev = ev
	return v
}
