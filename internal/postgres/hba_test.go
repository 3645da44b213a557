package postgres

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rule builds an HBARule from a pg_hba.conf-like line: TYPE DB USER [ADDR] METHOD,
// with ADDR in CIDR form.
func rule(line int, text string) HBARule {
	f := strings.Fields(text)
	r := HBARule{Line: line, Type: f[0], Databases: strings.Split(f[1], ","),
		Users: strings.Split(f[2], ","), Method: f[len(f)-1]}
	if len(f) == 5 {
		addr, bits, ok := strings.Cut(f[3], "/")
		r.Address = addr
		if ok {
			r.Netmask = netmask(addr, bits)
		}
	}
	return r
}

// netmask renders a prefix length as pg_hba_file_rules shows it.
func netmask(addr, bits string) string {
	table := map[string]string{
		"0": "0.0.0.0", "8": "255.0.0.0", "16": "255.255.0.0", "24": "255.255.255.0",
		"32": "255.255.255.255",
	}
	if strings.Contains(addr, ":") {
		table = map[string]string{"0": "::", "128": "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}
	}
	return table[bits]
}

func rules(lines ...string) []HBARule {
	out := make([]HBARule, len(lines))
	for i, l := range lines {
		out[i] = rule(i+1, l)
	}
	return out
}

// shadowMap returns line -> line of the shadowing rule, for dead rules only.
func shadowMap(rs []HBARule) map[int]int {
	out := map[int]int{}
	for _, e := range analyzeHBA(rs) {
		if !e.Live() {
			out[e.Line] = e.ShadowedBy
		}
	}
	return out
}

func TestAnalyzeHBA(t *testing.T) {
	tests := []struct {
		name  string
		rules []HBARule
		dead  map[int]int
	}{
		{"a broad host line shadows a later hostssl line", rules(
			"host all all 0.0.0.0/0 md5",
			"hostssl all all 10.0.0.0/8 scram-sha-256"), map[int]int{2: 1}},
		{"database all does not shadow replication", rules(
			"host all all 0.0.0.0/0 md5",
			"host replication all 0.0.0.0/0 scram-sha-256"), map[int]int{}},
		{"a replication line shadows a later replication line", rules(
			"host replication,all all 0.0.0.0/0 reject",
			"host replication all 10.0.0.0/8 scram-sha-256"), map[int]int{2: 1}},
		{"a narrower CIDR does not shadow a wider one", rules(
			"host all all 10.0.0.0/8 md5",
			"host all all 0.0.0.0/0 md5"), map[int]int{}},
		{"a wider CIDR shadows a narrower one", rules(
			"host all all 10.0.0.0/8 md5",
			"host all all 10.1.2.0/24 reject"), map[int]int{2: 1}},
		{"an IPv4 everywhere line does not cover IPv6", rules(
			"host all all 0.0.0.0/0 md5",
			"host all all ::/0 md5"), map[int]int{}},
		{"address all covers every address", rules(
			"hostnossl all all all reject",
			"hostnossl all all ::1/128 trust"), map[int]int{2: 1}},
		{"hostssl does not shadow host", rules(
			"hostssl all all all scram-sha-256",
			"host all all all md5"), map[int]int{}},
		{"a hostname never shadows a CIDR", rules(
			"host all all db.example.com md5",
			"host all all 10.0.0.0/8 md5"), map[int]int{}},
		{"user all shadows a named user", rules(
			"hostssl all all 0.0.0.0/0 scram-sha-256",
			"hostssl all bob 10.1.0.0/16 reject"), map[int]int{2: 1}},
		{"a named database does not shadow all", rules(
			"host clinic all 0.0.0.0/0 md5",
			"host all all 0.0.0.0/0 md5"), map[int]int{}},
		{"local lines never shadow host lines", rules(
			"local all all trust",
			"host all all 127.0.0.1/32 md5"), map[int]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.dead, shadowMap(tt.rules)); diff != "" {
				t.Errorf("dead rules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnalyzeHBASkipsRulesWithErrors(t *testing.T) {
	rs := rules("host all all 0.0.0.0/0 md5", "host all all 10.0.0.0/8 md5")
	rs[0].Error = "invalid authentication method"
	got := analyzeHBA(rs)
	if len(got) != 1 || got[0].Line != 2 || !got[0].Live() {
		t.Errorf("analyzeHBA = %+v, want only line 2, live", got)
	}
}

func TestRemoteAddresses(t *testing.T) {
	tests := []struct {
		rule string
		want bool
	}{
		{"host all all 127.0.0.1/32 md5", false},
		{"host all all 127.0.0.0/8 md5", false},
		{"host all all ::1/128 md5", false},
		{"host all all samehost md5", false},
		{"local all all md5", false},
		{"host all all 10.0.0.0/8 md5", true},
		{"host all all 0.0.0.0/0 md5", true},
		{"host all all all md5", true},
		{"host all all samenet md5", true},
		{"host all all ws1.example.com md5", true},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			e := hbaEntry{HBARule: rule(1, tt.rule)}
			e.addr = parseAddr(e.HBARule)
			if got := e.Remote(); got != tt.want {
				t.Errorf("Remote() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestShadowedRejects(t *testing.T) {
	t.Run("a host md5 line takes connections from a later hostnossl reject", func(t *testing.T) {
		entries := analyzeHBA(rules(
			"local all all scram-sha-256",
			"host all all 0.0.0.0/0 md5",
			"hostssl all all 0.0.0.0/0 scram-sha-256",
			"hostnossl all all all reject"))
		if diff := cmp.Diff([]int{4}, shadowedRejects(entries, entries[1])); diff != "" {
			t.Errorf("shadowed rejects (-want +got):\n%s", diff)
		}
	})
	t.Run("a hostssl line takes nothing from a hostnossl reject", func(t *testing.T) {
		entries := analyzeHBA(rules(
			"hostssl all all 0.0.0.0/0 scram-sha-256",
			"hostnossl all all all reject"))
		if got := shadowedRejects(entries, entries[0]); len(got) != 0 {
			t.Errorf("shadowed rejects = %v, want none", got)
		}
	})
}

func TestRemoteLoginRules(t *testing.T) {
	member := func(user, group string) bool { return user == "alice" && group == "admins" }
	tests := []struct {
		name  string
		rules []HBARule
		user  string
		want  []int
	}{
		{"a reject line for the superuser protects it from a later broad line", rules(
			"local all all scram-sha-256",
			"hostssl all postgres 0.0.0.0/0 reject",
			"hostssl all all 0.0.0.0/0 scram-sha-256",
			"hostnossl all all all reject"), "postgres", nil},
		{"the broad line still lets other roles in", rules(
			"hostssl all postgres 0.0.0.0/0 reject",
			"hostssl all all 0.0.0.0/0 scram-sha-256"), "alice", []int{2}},
		{"a +group line matches its members", rules(
			"hostssl all +admins 10.0.0.0/8 scram-sha-256"), "alice", []int{1}},
		{"a +group line does not match others", rules(
			"hostssl all +admins 10.0.0.0/8 scram-sha-256"), "bob", nil},
		{"loopback lines do not count", rules(
			"host all all 127.0.0.1/32 scram-sha-256",
			"host all all ::1/128 scram-sha-256"), "postgres", nil},
		{"a reject for IPv4 leaves an IPv6 line open", rules(
			"host all postgres 0.0.0.0/0 reject",
			"host all all ::/0 scram-sha-256"), "postgres", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, e := range remoteLoginRules(tt.rules, tt.user, member) {
				got = append(got, e.Line)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzAnalyzeHBA(f *testing.F) {
	f.Add("host", "all", "+admins", "10.0.0.0", "255.0.0.0", "md5")
	f.Add("hostssl", "replication", "all", "::ffff:10.0.0.0", "ffff:ffff::", "reject")
	f.Add("local", "sameuser", "", "", "", "trust")
	f.Fuzz(func(t *testing.T, typ, db, user, addr, mask, method string) {
		r := HBARule{Line: 1, Type: typ, Databases: []string{db}, Users: []string{user},
			Address: addr, Netmask: mask, Method: method}
		rs := []HBARule{r, r}
		rs[1].Line = 2
		entries := analyzeHBA(rs)
		if len(entries) == 2 && entries[1].Live() && entries[0].addr.covers(entries[1].addr) {
			t.Errorf("a rule does not shadow its own duplicate: %+v", r)
		}
		remoteLoginRules(rs, user, func(string, string) bool { return true })
		shadowedRejects(entries, entries[0])
	})
}

func TestDescribeRendersRulesAsWritten(t *testing.T) {
	for _, text := range []string{
		"host all all 0.0.0.0/0 md5",
		"hostssl clinic,replication alice,+staff 10.1.0.0/16 scram-sha-256",
		"hostnossl all all all reject",
		"local all all peer",
	} {
		t.Run(text, func(t *testing.T) {
			if got := rule(1, text).describe(); got != text {
				t.Errorf("describe() = %q, want %q", got, text)
			}
		})
	}
}
