package serverconf

import (
	"fmt"
	"path"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// sshdChecks are the checks on sshd_config; the rationale cites the
// safeguard and the CIS Distribution Independent Linux Benchmark item
// (section 5.2, "SSH Server Configuration") or NIST SP 800-52r2.
var sshdChecks = []rule[*sshdConfig]{
	{def("sshd.idle-timeout", "sshd", "Idle SSH sessions are ended within 15 minutes",
		check.Medium, sgLogoff,
		"ClientAliveInterval times ClientAliveCountMax bounds how long sshd keeps a session "+
			"whose client stopped answering; CIS 5.2.16 asks for at most 15 minutes "+
			"(164.312(a)(2)(iii)).",
		"Set ClientAliveInterval 300 and ClientAliveCountMax 3 (or any product of at most "+
			"900 seconds), and remove Match blocks that raise them."), sshdIdle},
	{def("sshd.password-auth", "sshd", "SSH does not accept passwords", check.High, sgAuth,
		"Passwords can be guessed and phished; keys or certificates prove the person "+
			"(164.312(d); CIS 5.2.x, PasswordAuthentication).",
		"Set PasswordAuthentication no, including inside every Match block."), sshdPasswords},
	{def("sshd.root-login", "sshd", "Nobody logs in over SSH as root", check.High, sgUnique,
		"A root login is shared by everyone who holds its credentials, so the log cannot "+
			"tell who acted (164.312(a)(2)(i); CIS 5.2.10).",
		"Set PermitRootLogin no (or prohibit-password for key-only automation) and have "+
			"people log in as themselves and use sudo."), sshdRoot},
	{def("sshd.ciphers", "sshd", "SSH offers no weak ciphers", check.High, sgCrypto,
		"CBC-mode, arcfour, 3DES, Blowfish and CAST ciphers are broken or deprecated "+
			"(164.312(e)(2)(i), (e)(2)(ii); CIS 5.2.13; RFC 9142).",
		"Set Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,"+
			"aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr."), sshdCiphers},
	{def("sshd.macs", "sshd", "SSH offers no MD5 or SHA-1 MACs", check.Medium, sgCrypto,
		"HMAC-MD5 and HMAC-SHA1 rest on retired hashes; OpenSSH's default list still "+
			"offers hmac-sha1, so it must be set (164.312(e)(2)(i); CIS 5.2.14).",
		"Set MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"+
			"umac-128-etm@openssh.com."), sshdMACs},
}

// BUG(kollguard): ClientAliveInterval and ClientAliveCountMax end sessions
// whose client stopped answering; a client left open on an unattended
// workstation keeps answering, so sshd.idle-timeout is evidence of cleanup
// of dead sessions more than of logoff. ChannelTimeout and
// UnusedConnectionTimeout (OpenSSH 9.2) are not read yet.

// setting is the line that decides a keyword in a scope, and its value.
type setting struct {
	line  *directive // nil when the default applies
	value string
}

// lookup returns the value of keyword in cfg's global section.
func (cfg *sshdConfig) lookup(keyword, def string) setting {
	if d := first(cfg.global, keyword); d != nil {
		return setting{d, d.Args[0]}
	}
	return setting{nil, def}
}

// inMatch returns the value of keyword inside m, falling back to the
// global one; own says whether m sets it.
func (cfg *sshdConfig) inMatch(m sshdMatch, keyword, def string) (s setting, own bool) {
	if d := first(m.lines, keyword); d != nil {
		return setting{d, d.Args[0]}, true
	}
	return cfg.lookup(keyword, def), false
}

// at returns the line to locate a finding at: the setting's own line, or the
// top of the main file when the default applies.
func (cfg *sshdConfig) at(s setting) *directive {
	if s.line != nil {
		return s.line
	}
	return &directive{File: cfg.file, Line: 0}
}

// matchName names a Match block as a finding's resource.
func matchName(m sshdMatch) string {
	return "Match " + strings.Join(m.criteria.Args, " ")
}

// scoped judges one keyword-based rule globally and in every Match block
// that sets one of keys: ok says whether the values pass and why.
func (cfg *sshdConfig) scoped(keys []string, defs []string,
	ok func(vals []setting) (bool, string)) []finding {
	var vals []setting
	for i, k := range keys {
		vals = append(vals, cfg.lookup(k, defs[i]))
	}
	pass, msg := ok(vals)
	out := []finding{{status: check.Fail, at: cfg.at(decisive(vals)), msg: msg}}
	if pass {
		out[0].status = check.Pass
	}
	for _, m := range cfg.matches {
		var mine []setting
		sets := false
		for i, k := range keys {
			s, own := cfg.inMatch(m, k, defs[i])
			mine, sets = append(mine, s), sets || own
		}
		if pass, msg := ok(mine); sets && !pass {
			out = append(out, finding{status: check.Fail, at: cfg.at(decisive(mine)),
				msg: matchName(m) + ": " + msg, resource: matchName(m)})
		}
	}
	return out
}

// decisive returns the first setting written in the file, else the first.
func decisive(vals []setting) setting {
	for _, v := range vals {
		if v.line != nil {
			return v
		}
	}
	return vals[0]
}

func sshdIdle(_ check.Check, cfg *sshdConfig) []finding {
	return cfg.scoped([]string{"clientaliveinterval", "clientalivecountmax"},
		[]string{"0", "3"}, func(v []setting) (bool, string) {
			iv, ok1 := sshdSeconds(v[0].value)
			n, ok2 := sshdSeconds(v[1].value)
			if !ok1 || !ok2 {
				return false, fmt.Sprintf("ClientAliveInterval %s, ClientAliveCountMax %s: "+
					"not numbers sshd accepts", v[0].value, v[1].value)
			}
			total := iv * n
			msg := fmt.Sprintf("ClientAliveInterval %s x ClientAliveCountMax %s = %d seconds",
				v[0].value, v[1].value, total)
			if total == 0 {
				return false, msg + ": unresponsive sessions are never ended"
			}
			if total > 900 {
				return false, msg + "; want at most 900"
			}
			return true, msg
		})
}

func sshdPasswords(_ check.Check, cfg *sshdConfig) []finding {
	return cfg.scoped([]string{"passwordauthentication"}, []string{"yes"},
		func(v []setting) (bool, string) {
			if strings.EqualFold(v[0].value, "no") {
				return true, "PasswordAuthentication no"
			}
			if v[0].line == nil {
				return false, "PasswordAuthentication is not set and defaults to yes"
			}
			return false, "PasswordAuthentication " + v[0].value
		})
}

func sshdRoot(_ check.Check, cfg *sshdConfig) []finding {
	return cfg.scoped([]string{"permitrootlogin"}, []string{"prohibit-password"},
		func(v []setting) (bool, string) {
			switch strings.ToLower(v[0].value) {
			case "no", "prohibit-password", "without-password", "forced-commands-only":
				return true, "PermitRootLogin " + v[0].value
			}
			return false, "PermitRootLogin " + v[0].value + " lets root log in with a password"
		})
}

// The defaults of OpenSSH 9.x.
var (
	defaultCiphers = []string{"chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr",
		"aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}
	defaultMACs = []string{"umac-64-etm@openssh.com", "umac-128-etm@openssh.com",
		"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
		"hmac-sha1-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com",
		"hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"}
)

func sshdCiphers(_ check.Check, cfg *sshdConfig) []finding {
	return algorithms(cfg, "ciphers", "Ciphers", defaultCiphers,
		[]string{"cbc", "arcfour", "3des", "blowfish", "cast128"})
}

func sshdMACs(_ check.Check, cfg *sshdConfig) []finding {
	return algorithms(cfg, "macs", "MACs", defaultMACs, []string{"hmac-md5", "hmac-sha1",
		"ripemd160"})
}

// algorithms judges an algorithm list keyword: the list sshd ends up with
// after applying a +, - or ^ modifier to defaults must contain no algorithm
// whose name holds one of weak.
func algorithms(cfg *sshdConfig, keyword, shown string, defaults, weak []string) []finding {
	s := cfg.lookup(keyword, "")
	list := algorithmList(s.value, defaults)
	var bad []string
	for _, a := range list {
		for _, w := range weak {
			if strings.Contains(strings.ToLower(a), w) {
				bad = append(bad, a)
				break
			}
		}
	}
	switch {
	case len(bad) > 0 && s.line == nil:
		return []finding{{status: check.Fail, at: cfg.at(s), msg: shown + " is not set and " +
			"OpenSSH's default list offers " + strings.Join(bad, ", ")}}
	case len(bad) > 0:
		return []finding{{status: check.Fail, at: cfg.at(s), msg: shown + " offers " +
			strings.Join(bad, ", ")}}
	case s.line == nil:
		return []finding{{status: check.Pass, at: cfg.at(s), msg: shown + " is not set and " +
			"OpenSSH's default list offers no weak algorithm"}}
	}
	return []finding{{status: check.Pass, at: cfg.at(s), msg: shown + " " + s.value}}
}

// algorithmList applies an sshd algorithm value to the defaults: "+a,b"
// appends, "-a*" removes matching names, "^a" prepends, a plain list
// replaces.
func algorithmList(v string, defaults []string) []string {
	if v == "" {
		return defaults
	}
	items := strings.Split(v[1:], ",")
	switch v[0] {
	case '+':
		return append(append([]string(nil), defaults...), items...)
	case '^':
		return append(items, defaults...)
	case '-':
		var out []string
		for _, d := range defaults {
			if !matchesAny(d, items) {
				out = append(out, d)
			}
		}
		return out
	}
	return strings.Split(v, ",")
}

func matchesAny(name string, patterns []string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}
