package postgres

import (
	"fmt"
	"slices"
	"strings"
)

// hbaEntry is a rule with its parsed address and what shadows it.
type hbaEntry struct {
	HBARule
	addr hbaAddr
	// ShadowedBy is the line of the earlier rule that matches every
	// connection this one matches; 0 for a live rule.
	ShadowedBy int
}

// Live reports whether the server can ever reach the rule.
func (e hbaEntry) Live() bool { return e.ShadowedBy == 0 }

// Remote reports whether the rule can match a TCP client beyond loopback.
func (e hbaEntry) Remote() bool { return e.Type != "local" && e.addr.remote() }

// covers reports whether e matches every connection o matches; with
// anyUser the user columns are not compared (the caller fixed the user).
func (e hbaEntry) covers(o hbaEntry, anyUser bool) bool {
	return typeCovers(e.Type, o.Type) && dbCovers(e.Databases, o.Databases) &&
		(anyUser || userCovers(e.Users, o.Users)) && e.addr.covers(o.addr)
}

// overlaps reports whether some connection may match both e and o.
func (e hbaEntry) overlaps(o hbaEntry) bool {
	return typeOverlaps(e.Type, o.Type) && dbOverlaps(e.Databases, o.Databases) &&
		userOverlaps(e.Users, o.Users) && e.addr.overlaps(o.addr)
}

// analyzeHBA returns the rules without parse errors in file order, each
// marked with the earlier rule that shadows it, if any. Rules with errors are
// left out: either the server refused to load the file, or the rule can never
// match (hostssl while ssl is off).
func analyzeHBA(rules []HBARule) []hbaEntry {
	var out []hbaEntry
	for _, r := range rules {
		if r.Error == "" {
			out = append(out, hbaEntry{HBARule: r, addr: parseAddr(r)})
		}
	}
	markShadowed(out, false)
	return out
}

func markShadowed(entries []hbaEntry, anyUser bool) {
	for i := range entries {
		entries[i].ShadowedBy = 0
		for j := range i {
			if entries[j].covers(entries[i], anyUser) {
				entries[i].ShadowedBy = entries[j].Line
				break
			}
		}
	}
}

// remoteLoginRules returns the rules through which user can log in from a
// remote address: the first rule matching such a connection is one of them
// and its method is not reject. isMember reports whether user is a member of
// a group named in a +group entry.
func remoteLoginRules(rules []HBARule, user string, isMember memberFunc) []hbaEntry {
	var mine []hbaEntry
	for _, e := range analyzeHBA(rules) {
		if matchesUser(e.Users, user, isMember) {
			mine = append(mine, e)
		}
	}
	markShadowed(mine, true)
	var out []hbaEntry
	for _, e := range mine {
		if e.Live() && e.Remote() && e.Method != "reject" {
			out = append(out, e)
		}
	}
	return out
}

// memberFunc reports whether user is a member of group.
type memberFunc func(user, group string) bool

func matchesUser(users []string, user string, isMember memberFunc) bool {
	for _, u := range users {
		if u == "all" || u == user || (isGroup(u) && isMember(user, u[1:])) {
			return true
		}
	}
	return false
}

// shadowedRejects returns the lines of later hostnossl reject rules that e
// takes connections from: some non-TLS connection e accepts would otherwise
// have been rejected there.
func shadowedRejects(entries []hbaEntry, e hbaEntry) []int {
	var lines []int
	for _, o := range entries {
		if o.Line > e.Line && o.Type == "hostnossl" && o.Method == "reject" && e.overlaps(o) {
			lines = append(lines, o.Line)
		}
	}
	return lines
}

// describe renders a rule as it would read in pg_hba.conf.
func (r HBARule) describe() string {
	parts := []string{r.Type, strings.Join(r.Databases, ","), strings.Join(r.Users, ",")}
	if a := parseAddr(r); a.kind == addrCIDR {
		parts = append(parts, a.prefix.String())
	} else if r.Address != "" {
		parts = append(parts, r.Address)
	}
	parts = append(parts, r.Method)
	return strings.Join(parts, " ")
}

// evidence is what a finding about the rule records.
func (r HBARule) evidence() map[string]any {
	return map[string]any{
		"line":     r.Line,
		"type":     r.Type,
		"database": strings.Join(r.Databases, ","),
		"user":     strings.Join(r.Users, ","),
		"address":  r.Address,
		"netmask":  r.Netmask,
		"method":   r.Method,
	}
}

// resource names a rule as a finding's resource.
func (r HBARule) resource() string { return fmt.Sprintf("pg_hba.conf line %d", r.Line) }

// lineList renders line numbers as "4, 7".
func lineList(lines []int) string {
	s := make([]string, len(lines))
	for i, l := range lines {
		s[i] = fmt.Sprint(l)
	}
	return strings.Join(slices.Clip(s), ", ")
}
