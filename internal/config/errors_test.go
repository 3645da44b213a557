package config

import (
	"strings"
	"testing"
)

// decision is a valid decision for safeguard, indented as a list item, whose
// first line is "- safeguard:"; extra lines are appended as given.
func decision(safeguard string, extra ...string) string {
	lines := []string{
		"  - safeguard: \"" + safeguard + "\"",
		"    status: implemented",
		"    rationale: r",
		"    owner: o",
		"    approved_by: a",
		"    approved_on: 2026-01-01",
		"    review_by: 2027-01-01",
	}
	return strings.Join(append(lines, extra...), "\n") + "\n"
}

// redate replaces the first date old in a test decision with new.
func redate(decision, old, new string) string {
	return strings.Replace(decision, old, new, 1)
}

func TestParseReportsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		// The file as a whole.
		{"a list document is not a config", "- a\n- b\n",
			"k.yaml:1: expected a mapping with targets, decisions and waivers, found a list"},
		{"a scalar document is not a config", "hello\n",
			"k.yaml:1: expected a mapping with targets, decisions and waivers, " +
				"found a single value"},
		{"an unknown top-level key names the key", "targets: []\ntargts: []\n",
			"k.yaml:2: targts: unknown key"},
		{"a repeated key is an error", "targets: []\ntargets: []\n",
			"k.yaml:2: targets: repeated key (first at line 1)"},
		{"tabs are a YAML error with a line", "targets:\n\t- name: x\n",
			"k.yaml:2: invalid YAML: found character that cannot start any token"},
		{"deep nesting is refused", strings.Repeat("[", 20000),
			"k.yaml: invalid YAML: exceeded max depth of 10000"},
		{"binary junk is refused", "targets: \x00\xff\xfe",
			"k.yaml: invalid YAML: control characters are not allowed"},
		{"two documents are refused", "targets: []\n---\n---\nwaivers: []\n",
			"k.yaml:3: a second YAML document: the file must hold exactly one"},
		{"aliases are refused", "targets: &t []\ndecisions: *t\n",
			"k.yaml:2: decisions: aliases (*name) are not supported: write the value out"},
		{"merge keys are refused",
			"targets:\n  - &base {name: a, url: 'postgres://h/d'}\n  - <<: *base\n    name: b\n",
			"k.yaml:3: targets[1].\"<<\": merge keys are not supported: write the entries out\n" +
				"k.yaml:3: targets[1]: a target has either a url (a server or endpoint) " +
				"or a path " +
				"(a directory or file to read), not both or neither"},
		{"a mapping where a list belongs is an error", "targets:\n  name: x\n",
			"k.yaml:2: targets: expected a list, found a mapping"},
		{"a value where a mapping belongs is an error", "waivers:\n  - W-1\n",
			"k.yaml:2: waivers[0]: expected a mapping, found a single value"},
		{"a list where a value belongs is an error",
			"targets:\n  - name: [a]\n    url: postgres://h/d\n",
			"k.yaml:2: targets[0].name: expected a single value, found a list"},
		{"odd key names are quoted", "\"a\\nb\": 1\n",
			`k.yaml:1: "a\nb": unknown key`},

		// Targets.
		{"a target needs a name and a url", "targets:\n  - password_env: X\n",
			"k.yaml:2: targets[0].name: missing: every target needs a name\n" +
				"k.yaml:2: targets[0]: a target has either a url (a server or endpoint) " +
				"or a path (a directory or file to read), not both or neither"},
		{"a target has a url or a path, not both",
			"targets:\n  - name: a\n    url: tls://h:443\n    path: ./infra\n",
			"k.yaml:2: targets[0]: a target has either a url (a server or endpoint) or a path " +
				"(a directory or file to read), not both or neither"},
		{"an idle limit is a duration",
			"targets:\n  - name: a\n    url: https://h/\n    idle_limit: forever\n",
			`k.yaml:4: targets[0].idle_limit: "forever" is not a duration such as 15m`},
		{"a target name is lower-case words",
			"targets:\n  - name: Clinic DB\n    url: postgres://h/d\n",
			`k.yaml:2: targets[0].name: "Clinic DB" is not a target name: ` +
				`use lower-case letters, digits, '.', '_' and '-'`},
		{"a target name needs a letter or digit",
			"targets:\n  - name: ._-\n    url: postgres://h/d\n",
			`k.yaml:2: targets[0].name: "._-" is not a target name: ` +
				`use lower-case letters, digits, '.', '_' and '-'`},
		{"target names are unique",
			"targets:\n  - name: db\n    url: postgres://h/d\n" +
				"  - name: db\n    url: postgres://i/d\n",
			`k.yaml:4: targets[1].name: target name "db" is already used by targets[0] (line 2)`},
		{"a password in the url is refused without echoing it",
			"targets:\n  - name: db\n    url: postgres://u:hunter2@h/d\n",
			"k.yaml:3: targets[0].url: " + passwordMsg},
		{"a password in a url that does not parse is refused",
			"targets:\n  - name: db\n    url: postgres://u:hunter2@h:port/d\n",
			"k.yaml:3: targets[0].url: " + passwordMsg},
		{"a password in the query is refused",
			"targets:\n  - name: db\n    url: postgres://u@h/d?password=hunter2\n",
			"k.yaml:3: targets[0].url: " + passwordMsg},
		{"a password in the query is refused even when it does not decode",
			"targets:\n  - name: db\n" +
				"    url: postgres://u@h/d?sslmode=require&password=hunter2%zz\n",
			"k.yaml:3: targets[0].url: " + passwordMsg},
		{"a query that does not decode is not echoed",
			"targets:\n  - name: db\n    url: postgres://u@h/d?options=hunter2%zz\n",
			"k.yaml:3: targets[0].url: url has an invalid query: " +
				"write it as postgres://user@host:5432/db?sslmode=verify-full"},
		{"a url that does not parse is not echoed",
			"targets:\n  - name: db\n    url: postgres://h:port/secret\n",
			"k.yaml:3: targets[0].url: url is not a valid URL: " +
				"write it as postgres://user@host:5432/db"},
		{"a url scheme other than postgres is refused",
			"targets:\n  - name: db\n    url: mysql://h/d\n",
			`k.yaml:3: targets[0].url: url scheme "mysql" is not supported: ` +
				"use postgres://, postgresql://, tls://, https://, smtp://, submission://, " +
				"imap://, pop3://, ldap://"},
		{"a url needs a scheme",
			"targets:\n  - name: db\n    url: h/d\n",
			"k.yaml:3: targets[0].url: url has no scheme: " +
				"write it as postgres://user@host:5432/db"},
		{"password_env is a variable name",
			"targets:\n  - name: db\n    url: postgres://h/d\n    password_env: DB-PASS\n",
			`k.yaml:4: targets[0].password_env: "DB-PASS" is not an environment variable name`},
		{"a password key gets advice",
			"targets:\n  - name: db\n    url: postgres://h/d\n    password: hunter2\n",
			"k.yaml:4: targets[0].password: unknown key: put the password in PGPASSWORD " +
				"or a pgpass file, or name its variable in password_env"},

		// Decisions.
		{"a decision needs every required field", "decisions:\n  - scope: [db]\n",
			"k.yaml:2: decisions[0].safeguard: missing: name the safeguard by its citation\n" +
				"k.yaml:2: decisions[0].status: missing: " +
				"implemented, alternative or not-applicable\n" +
				"k.yaml:2: decisions[0].rationale: missing: every decision needs a rationale\n" +
				"k.yaml:2: decisions[0].owner: missing: every decision needs an owner\n" +
				"k.yaml:2: decisions[0].approved_by: missing: every decision needs an approver\n" +
				"k.yaml:2: decisions[0].approved_on: missing: " +
				"the date the decision was approved\n" +
				"k.yaml:2: decisions[0].review_by: missing: every decision needs a review date"},
		{"an empty rationale is missing",
			"decisions:\n" +
				strings.Replace(decision("164.312(b)"), "rationale: r", "rationale: ''", 1),
			"k.yaml:4: decisions[0].rationale: missing: every decision needs a rationale"},
		{"a repeated decision key names both lines",
			"decisions:\n" + decision("164.312(b)", "    rationale: again"),
			"k.yaml:9: decisions[0].rationale: repeated key (first at line 4)"},
		{"an unknown safeguard is an error", "decisions:\n" + decision("164.312(z)"),
			`k.yaml:2: decisions[0].safeguard: unknown safeguard "164.312(z)": ` +
				"kollguard controls lists them"},
		{"an unknown status is an error",
			"decisions:\n" + strings.Replace(decision("164.312(b)"), "implemented", "done", 1),
			`k.yaml:3: decisions[0].status: "done" is not a status: ` +
				"use implemented, alternative or not-applicable"},
		{"an alternative cannot satisfy a required safeguard",
			"decisions:\n" + strings.Replace(decision("164.312(b)", "    alternative: x"),
				"implemented", "alternative", 1),
			"k.yaml:3: decisions[0].status: 164.312(b) is required: an alternative measure " +
				"cannot satisfy it (164.306(d)(3) applies to addressable specifications only)"},
		{"an alternative decision describes the measure",
			"decisions:\n" + strings.Replace(decision("164.312(a)(2)(iii)"),
				"implemented", "alternative", 1),
			"k.yaml:2: decisions[0].alternative: missing: a decision with status alternative " +
				"describes the equivalent measure"},
		{"a bad date names the key and the value",
			"decisions:\n" + strings.Replace(decision("164.312(b)"), "2027-01-01", "2026-13-01", 1),
			`k.yaml:8: decisions[0].review_by: "2026-13-01" is not a date of the form YYYY-MM-DD`},
		{"a review before approval is an error",
			"decisions:\n" + strings.Replace(decision("164.312(b)"), "2027-01-01", "2025-12-31", 1),
			"k.yaml:8: decisions[0].review_by: 2025-12-31 is before approved_on 2026-01-01"},
		{"an empty scope entry is an error",
			"decisions:\n" + decision("164.312(b)", "    scope: [db, '']"),
			"k.yaml:9: decisions[0].scope[1]: empty value"},
		{"evidence is a list",
			"decisions:\n" + decision("164.312(b)", "    evidence: https://x"),
			"k.yaml:9: decisions[0].evidence: expected a list, found a single value"},
		{"two decisions for one safeguard and every target conflict",
			"decisions:\n" + decision("164.312(b)") + decision("164.312(b)"),
			"k.yaml:9: decisions[1]: decisions[0] (line 2) already decides 164.312(b) for an " +
				"overlapping scope and period: keep one live decision per safeguard and target"},
		{"two decisions with overlapping scopes conflict",
			"decisions:\n" + decision("164.312(b)", "    scope: [a, b]") +
				decision("164.312(b)", "    scope: [b, c]"),
			"k.yaml:10: decisions[1]: decisions[0] (line 2) already decides 164.312(b) for an " +
				"overlapping scope and period: keep one live decision per safeguard and target"},
		{"a scoped decision conflicts with one for every target",
			"decisions:\n" + decision("164.312(b)") + decision("164.312(b)", "    scope: [b]"),
			"k.yaml:9: decisions[1]: decisions[0] (line 2) already decides 164.312(b) for an " +
				"overlapping scope and period: keep one live decision per safeguard and target"},
		{"a decision reviewed on the day the next is approved overlaps it",
			"decisions:\n" + decision("164.312(b)") +
				strings.Replace(decision("164.312(b)"), "2026-01-01", "2027-01-01", 1),
			"k.yaml:9: decisions[1]: decisions[0] (line 2) already decides 164.312(b) for an " +
				"overlapping scope and period: keep one live decision per safeguard and target"},
		{"a long decision conflicts with a later one for the same target past others",
			"decisions:\n" +
				redate(decision("164.312(b)", "    scope: [x]"), "2027-01-01", "2029-01-01") +
				redate(decision("164.312(b)", "    scope: [y]"), "2026-01-01", "2026-06-01") +
				redate(decision("164.312(b)", "    scope: [x]"), "2026-01-01", "2026-12-01"),
			"k.yaml:18: decisions[2]: decisions[0] (line 2) already decides 164.312(b) for an " +
				"overlapping scope and period: keep one live decision per safeguard and target"},
		{"an unknown decision key is an error",
			"decisions:\n" + decision("164.312(b)", "    approver: x"),
			"k.yaml:9: decisions[0].approver: unknown key"},

		// Waivers.
		{"a waiver needs every required field", "waivers:\n  - target: db\n",
			"k.yaml:2: waivers[0].id: missing: every waiver needs an id\n" +
				"k.yaml:2: waivers[0].check: missing: name the check ID the waiver excepts\n" +
				"k.yaml:2: waivers[0].reason: missing: every waiver needs a reason\n" +
				"k.yaml:2: waivers[0].owner: missing: every waiver needs an owner\n" +
				"k.yaml:2: waivers[0].expires: waiver has no expires: every waiver must end"},
		{"a waiver without expires names the waiver",
			"waivers:\n  - id: W-1\n    check: postgres.hba.no-trust\n" +
				"    reason: r\n    owner: o\n",
			"k.yaml:2: waivers[0].expires: waiver W-1 has no expires: every waiver must end"},
		{"a waiver names a known check",
			"waivers:\n  - id: W-1\n    check: postgres.nope\n    reason: r\n    owner: o\n" +
				"    expires: 2027-01-01\n",
			`k.yaml:3: waivers[0].check: unknown check ID "postgres.nope": ` +
				"kollguard checks lists them"},
		{"waiver globs must be valid",
			"waivers:\n  - id: W-1\n    check: postgres.hba.no-trust\n" +
				"    reason: r\n    owner: o\n" +
				"    expires: 2027-01-01\n    target: 'db['\n    resource: 'a\\'\n",
			`k.yaml:7: waivers[0].target: "db[" is not a valid glob pattern: ` +
				"syntax error in pattern" +
				"\n" + `k.yaml:8: waivers[0].resource: "a\\" is not a valid glob pattern: ` +
				"syntax error in pattern"},
		{"waiver IDs are unique",
			"waivers:\n" + strings.Repeat("  - id: W-1\n    check: postgres.hba.no-trust\n"+
				"    reason: r\n    owner: o\n    expires: 2027-01-01\n", 2),
			`k.yaml:7: waivers[1].id: waiver ID "W-1" is already used by waivers[0] (line 2)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("k.yaml", []byte(tt.in), testChecks)
			if err == nil {
				t.Fatalf("Parse succeeded with %+v; want error:\n%s", cfg, tt.want)
			}
			if cfg != nil {
				t.Errorf("Parse returned a config with its errors")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Parse error:\n got: %s\nwant: %s", got, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error echoes a password: %s", err)
			}
		})
	}
}
