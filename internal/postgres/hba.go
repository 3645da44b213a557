package postgres

import (
	"net/netip"
	"slices"
	"strings"
)

// HBARule is one row of pg_hba_file_rules.
type HBARule struct {
	Line      int      `json:"line"`
	Type      string   `json:"type"` // local, host, hostssl, hostnossl, hostgssenc, hostnogssenc
	Databases []string `json:"databases"`
	Users     []string `json:"users"`
	Address   string   `json:"address,omitempty"` // all, samehost, samenet, a hostname or an IP
	Netmask   string   `json:"netmask,omitempty"`
	Method    string   `json:"method"`
	Options   []string `json:"options,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// The HBA evaluator follows the server: rules are tried in file order and
// the first rule matching a connection's type, database, user and address
// decides it. A rule is dead when one earlier rule matches every connection
// it matches. Hostnames, samenet and +group lists are opaque: they never
// cover a rule that names something else.
//
// BUG(kollguard): a rule covered only by the union of several earlier rules
// (0.0.0.0/1 and 128.0.0.0/1 before 0.0.0.0/0) is reported live, so a
// finding may name a line the server never reaches.

// addrKind classifies the address column of a rule.
type addrKind int

const (
	addrNone     addrKind = iota // local rules have no address
	addrAll                      // "all"
	addrCIDR                     // an IP with netmask
	addrSameHost                 // "samehost"
	addrSameNet                  // "samenet"
	addrHostname                 // a DNS name, matched by reverse lookup
)

type hbaAddr struct {
	kind   addrKind
	prefix netip.Prefix
	name   string
}

// parseAddr reads the address and netmask columns of r.
func parseAddr(r HBARule) hbaAddr {
	switch r.Address {
	case "":
		return hbaAddr{kind: addrNone}
	case "all":
		return hbaAddr{kind: addrAll}
	case "samehost":
		return hbaAddr{kind: addrSameHost}
	case "samenet":
		return hbaAddr{kind: addrSameNet}
	}
	ip, err := netip.ParseAddr(r.Address)
	if err != nil {
		return hbaAddr{kind: addrHostname, name: strings.ToLower(r.Address)}
	}
	bits := ip.BitLen()
	if mask, err := netip.ParseAddr(r.Netmask); err == nil {
		bits = maskBits(mask)
	}
	if ip.Is4In6() {
		ip, bits = ip.Unmap(), max(0, bits-96)
	}
	return hbaAddr{kind: addrCIDR, prefix: netip.PrefixFrom(ip, min(bits, ip.BitLen())).Masked()}
}

// maskBits counts the leading one bits of a netmask.
func maskBits(mask netip.Addr) int {
	n := 0
	for _, b := range mask.AsSlice() {
		for i := 7; i >= 0; i-- {
			if b&(1<<i) == 0 {
				return n
			}
			n++
		}
	}
	return n
}

var loopbacks = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("::1/128"),
}

// remote reports whether the address can match a client beyond loopback.
func (a hbaAddr) remote() bool {
	switch a.kind {
	case addrNone, addrSameHost:
		return false
	case addrHostname:
		return a.name != "localhost"
	case addrCIDR:
		for _, lo := range loopbacks {
			if lo.Bits() <= a.prefix.Bits() && lo.Contains(a.prefix.Addr()) {
				return false
			}
		}
	}
	return true
}

func (a hbaAddr) covers(b hbaAddr) bool {
	if a.kind == addrAll {
		return true
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case addrCIDR:
		return a.prefix.Bits() <= b.prefix.Bits() && a.prefix.Contains(b.prefix.Addr())
	case addrHostname:
		return a.name == b.name
	}
	return true
}

func (a hbaAddr) overlaps(b hbaAddr) bool {
	if a.kind == addrCIDR && b.kind == addrCIDR {
		return a.prefix.Overlaps(b.prefix)
	}
	if a.kind == addrNone || b.kind == addrNone {
		return a.kind == b.kind
	}
	return true // all, or opaque kinds that may share clients
}

// typeCovers reports whether connection type a matches every connection b does.
func typeCovers(a, b string) bool {
	return a == b || (a == "host" && strings.HasPrefix(b, "host"))
}

// typeOverlaps reports whether some connection matches both types.
func typeOverlaps(a, b string) bool {
	if a == "local" || b == "local" {
		return a == b
	}
	if a == b || a == "host" || b == "host" {
		return true
	}
	disjoint := [][2]string{
		{"hostssl", "hostnossl"}, {"hostgssenc", "hostnogssenc"}, {"hostssl", "hostgssenc"},
	}
	for _, d := range disjoint {
		if (a == d[0] && b == d[1]) || (a == d[1] && b == d[0]) {
			return false
		}
	}
	return true
}

// plaintextType reports whether a rule of type t can match a connection
// that is neither TLS nor GSSAPI encrypted.
func plaintextType(t string) bool {
	return t == "host" || t == "hostnossl" || t == "hostnogssenc"
}

// dbCovers reports whether database list a matches every database b does.
// "all" matches every database except replication connections.
func dbCovers(a, b []string) bool {
	for _, d := range b {
		if !slices.Contains(a, d) && (d == "replication" || !slices.Contains(a, "all")) {
			return false
		}
	}
	return true
}

func dbOverlaps(a, b []string) bool {
	wild := func(d string) bool {
		return d == "all" || d == "sameuser" || d == "samerole" || d == "samegroup"
	}
	for _, x := range a {
		for _, y := range b {
			if x == y || ((wild(x) || wild(y)) && x != "replication" && y != "replication") {
				return true
			}
		}
	}
	return false
}

func userCovers(a, b []string) bool {
	if slices.Contains(a, "all") {
		return true
	}
	for _, u := range b {
		if !slices.Contains(a, u) {
			return false
		}
	}
	return true
}

func userOverlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y || x == "all" || y == "all" || isGroup(x) || isGroup(y) {
				return true
			}
		}
	}
	return false
}

func isGroup(u string) bool { return strings.HasPrefix(u, "+") }
