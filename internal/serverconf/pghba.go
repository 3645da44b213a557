package serverconf

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/kollguard/kollguard/internal/postgres"
)

// This file reads pg_hba.conf into the rules pg_hba_file_rules would show:
// the connection types local, host, hostssl, hostnossl, hostgssenc and
// hostnogssenc, and the include, include_if_exists and include_dir
// directives; comma lists, double-quoted tokens (a quoted keyword is a
// plain name), @file references kept as written, an address in CIDR form or
// followed by a netmask, and lines continued by a trailing backslash.

// hbaRule is a rule and the file it is written in.
type hbaRule struct {
	postgres.HBARule
	File string
}

// hbaField is one whitespace-separated field: a comma list of tokens.
type hbaField []hbaToken

type hbaToken struct {
	text   string
	quoted bool
}

// hbaKeywords lose their meaning when quoted.
var hbaKeywords = map[string]bool{"all": true, "sameuser": true, "samerole": true,
	"samegroup": true, "replication": true, "samehost": true, "samenet": true}

// strings renders the field as pg_hba_file_rules does: quoted keywords keep
// their quotes.
func (f hbaField) strings() []string {
	out := make([]string, len(f))
	for i, t := range f {
		out[i] = t.text
		if t.quoted && (hbaKeywords[t.text] || strings.HasPrefix(t.text, "+")) {
			out[i] = `"` + t.text + `"`
		}
	}
	return out
}

// one returns the single unquoted token of the field, or "".
func (f hbaField) one() string {
	if len(f) != 1 || f[0].quoted {
		return ""
	}
	return f[0].text
}

// hbaLines joins continued lines and returns each logical line with the
// number of its first physical line.
func hbaLines(data []byte) ([]string, []int) {
	var lines []string
	var nums []int
	cur, start := "", 0
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if cur == "" {
			start = i + 1
		}
		if strings.HasSuffix(l, `\`) && !strings.Contains(l, "#") {
			cur += strings.TrimSuffix(l, `\`) + " "
			continue
		}
		lines, nums = append(lines, cur+l), append(nums, start)
		cur = ""
	}
	if cur != "" {
		lines, nums = append(lines, cur), append(nums, start)
	}
	return lines, nums
}

// hbaFields splits a logical line into fields, dropping a comment.
func hbaFields(line string) ([]hbaField, error) {
	var out []hbaField
	var field hbaField
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '#':
			i = len(line)
			continue
		}
		tok, n, err := hbaToken1(line[i:])
		if err != nil {
			return nil, err
		}
		field = append(field, tok)
		i += n
		if i < len(line) && line[i] == ',' {
			i++
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			continue
		}
		out, field = append(out, field), nil
	}
	if field != nil {
		out = append(out, field)
	}
	return out, nil
}

// hbaToken1 reads one token, which may mix quoted and unquoted parts.
func hbaToken1(s string) (hbaToken, int, error) {
	var b strings.Builder
	quoted, inQuote := false, false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			if inQuote && i+1 < len(s) && s[i+1] == '"' {
				b.WriteByte('"')
				i++
				continue
			}
			inQuote, quoted = !inQuote, true
			continue
		}
		if !inQuote && (c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '#') {
			break
		}
		b.WriteByte(c)
	}
	if inQuote {
		return hbaToken{}, 0, fmt.Errorf("unterminated quoted string")
	}
	return hbaToken{text: b.String(), quoted: quoted}, i, nil
}

// hbaRecord turns the fields of one line into a rule. A bad line gives a
// rule with Error set, as pg_hba_file_rules shows it.
func hbaRecord(fields []hbaField, line int) postgres.HBARule {
	r := postgres.HBARule{Line: line, Type: fields[0].one()}
	fail := func(msg string) postgres.HBARule { r.Error = msg; return r }
	switch r.Type {
	case "local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc":
	default:
		return fail(fmt.Sprintf("invalid connection type %q",
			strings.Join(fields[0].strings(), ",")))
	}
	rest := fields[1:]
	if len(rest) < 2 {
		return fail("missing database or user name")
	}
	r.Databases, r.Users, rest = rest[0].strings(), rest[1].strings(), rest[2:]
	if r.Type != "local" {
		var err error
		if rest, err = hbaAddress(&r, rest); err != nil {
			return fail(err.Error())
		}
	}
	if len(rest) == 0 || rest[0].one() == "" {
		return fail("missing authentication method")
	}
	r.Method = rest[0].one()
	for _, opt := range rest[1:] {
		r.Options = append(r.Options, opt.strings()...)
	}
	return r
}

// hbaAddress reads the address column, and the netmask column when the
// address is a bare IP, into r; it returns the fields after them.
func hbaAddress(r *postgres.HBARule, rest []hbaField) ([]hbaField, error) {
	if len(rest) == 0 || rest[0].one() == "" {
		return nil, fmt.Errorf("missing or invalid IP address")
	}
	a := rest[0].one()
	rest = rest[1:]
	if ip, bits, ok := strings.Cut(a, "/"); ok {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			return nil, fmt.Errorf("invalid CIDR mask in address %q/%s", ip, bits)
		}
		r.Address, r.Netmask = ip, netmask(p)
		return rest, nil
	}
	ip, err := netip.ParseAddr(a)
	if err != nil {
		r.Address = a // all, samehost, samenet or a hostname
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, fmt.Errorf("end-of-line before netmask specification")
	}
	mask, err := netip.ParseAddr(rest[0].one())
	if err != nil || mask.BitLen() != ip.BitLen() {
		return nil, fmt.Errorf("invalid IP mask %q", rest[0].one())
	}
	r.Address, r.Netmask = a, mask.String()
	return rest[1:], nil
}

// netmask renders the mask of a prefix as an address: /8 is 255.0.0.0.
func netmask(p netip.Prefix) string {
	b := make([]byte, p.Addr().BitLen()/8)
	for i := 0; i < p.Bits(); i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	m, _ := netip.AddrFromSlice(b)
	return m.String()
}
