package secrets

import (
	"regexp"
	"strings"
)

// gitleaks' default rules look for high-entropy tokens and known key
// formats. The two rules of this file add what clinics' configuration files
// leak most and those rules let pass because a human chose the password:
// connection strings with a password, and password assignments.

// Rule IDs of the rules of this package.
const (
	ruleConnString = "kollguard-connection-string-password"
	rulePassword   = "kollguard-password-assignment"
)

// connString finds scheme://user:password@host; the password group is
// judged by literalPassword.
var connString = regexp.MustCompile(
	`[a-zA-Z][a-zA-Z0-9+.\-]{1,30}://[^\s:/@'"]{1,100}:([^\s@/'"]{1,200})@[^\s]`)

// passwordAssign finds `key = value`, `key: value` and `key => value`
// with an optional quote around key and value.
var passwordAssign = regexp.MustCompile(
	`(?i)(?:^|[\s,{;(])["']?([a-z0-9_.\-]{0,60}(?:password|passwd|passphrase|pwd|secret))` +
		`["']?\s*(?::=|=>|=|:)\s*(["']?)([^\s"',;#]{1,200})`)

// localRules returns the hits of this package's own rules in data.
func localRules(data []byte) []hit {
	var out []hit
	for i, line := range strings.Split(string(data), "\n") {
		if m := connString.FindStringSubmatch(line); m != nil && literalPassword(m[1], true) {
			out = append(out, hit{Rule: ruleConnString, Line: i + 1})
		}
		for _, m := range passwordAssign.FindAllStringSubmatch(line, -1) {
			if literalPassword(m[3], m[2] != "") {
				out = append(out, hit{Rule: rulePassword, Line: i + 1})
				break
			}
		}
	}
	return out
}

// notPasswords are values that configure password handling rather than
// being a password.
var notPasswords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"null": true, "nil": true, "none": true, "required": true, "optional": true,
	"md5": true, "scram-sha-256": true, "password": true, "prompt": true, "env": true,
	"redacted": true, "xxxxx": true, "****": true, "file": true,
}

// literalPassword reports whether v is a password written in the file:
// not empty, not a placeholder or reference (${X}, $(X), {{ .x }}, <x>,
// %(x)s, var.x), not a setting value such as "md5". An unquoted value with
// a dot or a parenthesis is taken for a reference (var.db_password).
func literalPassword(v string, quoted bool) bool {
	v = strings.TrimSpace(v)
	if len(v) < 4 || notPasswords[strings.ToLower(v)] {
		return false
	}
	for _, p := range []string{"${", "$(", "$", "{{", "<", "%(", "ENC[", "vault:", "arn:",
		"ref+", "secret:", "*"} {
		if strings.HasPrefix(v, p) {
			return false
		}
	}
	if !quoted && strings.ContainsAny(v, ".()[]{}") {
		return false
	}
	return !strings.Contains(v, "{{")
}
