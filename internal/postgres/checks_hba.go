package postgres

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// hbaUnknown is the finding of an HBA check when the rules could not be read.
func hbaUnknown(c check.Check, s *Snapshot, target string) []check.Finding {
	f := c.Resultf(target, "pg_hba.conf", check.Unknown,
		"pg_hba rules could not be read: %s", s.HBAUnavailable)
	return []check.Finding{f.With("unavailable", s.HBAUnavailable)}
}

// withRule adds the evidence of a pg_hba rule to f.
func withRule(f check.Finding, r HBARule) check.Finding {
	for k, v := range r.evidence() {
		f = f.With(k, v)
	}
	return f
}

// evalRemotePlaintext fails every live rule that accepts a remote client
// without TLS, saying which later hostnossl reject it takes connections from.
func evalRemotePlaintext(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
	if s.HBAUnavailable != "" {
		return hbaUnknown(c, s, target)
	}
	entries := analyzeHBA(s.HBA)
	var out []check.Finding
	for _, e := range entries {
		if !e.Live() || !e.Remote() || !plaintextType(e.Type) || e.Method == "reject" {
			continue
		}
		msg := fmt.Sprintf("line %d (%s) accepts remote connections without TLS",
			e.Line, e.describe())
		rejects := shadowedRejects(entries, e)
		if len(rejects) > 0 {
			msg += fmt.Sprintf("; it comes first, so the hostnossl reject on line %s "+
				"never sees the connections it takes", lineList(rejects))
		}
		f := withRule(c.Result(target, e.resource(), check.Fail, msg), e.HBARule)
		out = append(out, f.With("shadowed_reject_lines", rejects))
	}
	if len(out) == 0 {
		out = append(out, c.Result(target, "pg_hba.conf", check.Pass,
			"no live pg_hba rule accepts remote connections without TLS"))
	}
	return out
}

// evalHBAMethod returns the evaluator that fails every live remote rule
// whose method is one of methods.
func evalHBAMethod(methods ...string) evaluator {
	return func(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
		if s.HBAUnavailable != "" {
			return hbaUnknown(c, s, target)
		}
		var out []check.Finding
		for _, e := range analyzeHBA(s.HBA) {
			if !e.Live() || !e.Remote() || !slices.Contains(methods, e.Method) {
				continue
			}
			f := c.Resultf(target, e.resource(), check.Fail,
				"line %d (%s) authenticates remote clients with %s", e.Line, e.describe(),
				e.Method)
			out = append(out, withRule(f, e.HBARule))
		}
		if len(out) == 0 {
			out = append(out, c.Resultf(target, "pg_hba.conf", check.Pass,
				"no live remote pg_hba rule uses %s", strings.Join(methods, " or ")))
		}
		return out
	}
}

// evalRemoteSuperusers fails every login superuser that some live rule lets
// in from a remote address, evaluating the rules as they apply to that role.
func evalRemoteSuperusers(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
	if s.HBAUnavailable != "" {
		return hbaUnknown(c, s, target)
	}
	isMember := s.memberOf()
	var out []check.Finding
	for _, r := range s.Roles {
		if !r.Superuser || !s.canLogin(r) {
			continue
		}
		rules := remoteLoginRules(s.HBA, r.Name, isMember)
		if len(rules) == 0 {
			continue
		}
		lines := make([]int, len(rules))
		for i, e := range rules {
			lines[i] = e.Line
		}
		f := c.Resultf(target, "role "+r.Name, check.Fail,
			"superuser %s can log in from remote addresses through pg_hba line %s "+
				"(first: %s)", r.Name, lineList(lines), rules[0].describe())
		out = append(out, f.With("role", r.Name).With("lines", lines))
	}
	if len(out) == 0 {
		out = append(out, c.Result(target, "pg_hba.conf", check.Pass,
			"no superuser can log in from a remote address"))
	}
	return out
}

// memberOf returns a function reporting whether user is a member of group,
// directly or through other roles. A role counts as a member of itself, as
// the server's +group matching does.
func (s *Snapshot) memberOf() func(user, group string) bool {
	parents := make(map[string][]string, len(s.Roles))
	for _, r := range s.Roles {
		parents[r.Name] = r.MemberOf
	}
	return func(user, group string) bool {
		seen := map[string]bool{}
		queue := []string{user}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			if cur == group {
				return true
			}
			if !seen[cur] {
				seen[cur] = true
				queue = append(queue, parents[cur]...)
			}
		}
		return false
	}
}
