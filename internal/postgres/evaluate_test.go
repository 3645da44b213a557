package postgres

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
)

var collected = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// goodSnapshot is a server that passes every check with break-glass role
// "breakglass" declared.
func goodSnapshot() *Snapshot {
	set := func(v string) Setting { return Setting{Value: v, Source: "configuration file"} }
	return &Snapshot{
		SchemaVersion: SchemaVersion, CollectedAt: collected, User: "postgres",
		ServerVersion: "15.18",
		Tenancy:       Tenancy{Storage: &Storage{Encrypted: "yes", Reason: "on a LUKS volume"}},
		Superuser:     true, ReadAllSettings: true,
		Settings: map[string]Setting{
			"ssl": set("on"), "ssl_min_protocol_version": set("TLSv1.2"),
			"password_encryption": set("scram-sha-256"),
			"idle_session_timeout": {Value: "900000", Unit: "ms",
				Source: "configuration file"},
			"idle_in_transaction_session_timeout": {Value: "300000", Unit: "ms",
				Source: "configuration file"},
			"log_connections": set("on"), "log_disconnections": set("on"),
			"log_line_prefix":          set("%m [%p] %q%u@%d %r "),
			"shared_preload_libraries": set("pgaudit"),
			"pgaudit.log":              set("read, write, ddl, role"),
			"pgaudit.log_parameter":    set("off"),
			"data_checksums":           set("on"),
		},
		HBA: rules(
			"local all all scram-sha-256",
			"hostssl all postgres 0.0.0.0/0 reject",
			"hostssl all all 0.0.0.0/0 scram-sha-256",
			"hostnossl all all all reject"),
		Roles: []Role{
			{OID: 10, Name: "postgres", Superuser: true, Login: true, BypassRLS: true},
			{OID: 16384, Name: "alice", Login: true},
			{OID: 16385, Name: "breakglass", Superuser: true},
		},
		MD5Roles: []string{},
	}
}

// failing returns the sorted IDs of checks with a fail or unknown finding,
// the latter prefixed with "?".
func failing(fs []check.Finding) []string {
	seen := map[string]bool{}
	for _, f := range fs {
		switch f.Status {
		case check.Fail:
			seen[f.Check] = true
		case check.Unknown, check.Error:
			seen["?"+f.Check] = true
		}
	}
	out := []string{}
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

var breakGlass = Options{BreakGlassRole: "breakglass"}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *Snapshot)
		opts   Options
		want   []string
	}{
		{"a well-configured server passes every check", func(*Snapshot) {}, breakGlass,
			[]string{}},
		{"a role override switching the idle timeout off fails it", func(s *Snapshot) {
			s.Overrides = []Override{{Role: "alice", Name: "idle_session_timeout", Value: "0"}}
		}, breakGlass, []string{"postgres.timeout.idle-session"}},
		{"a role override with pgaudit.log none fails the classes check", func(s *Snapshot) {
			s.Overrides = []Override{{Role: "alice", Name: "pgaudit.log", Value: "none"}}
		}, breakGlass, []string{"postgres.pgaudit.classes"}},
		{"a database override turning log_parameter on fails it", func(s *Snapshot) {
			s.Overrides = []Override{{Database: "clinic", Name: "pgaudit.log_parameter",
				Value: "on"}}
		}, breakGlass, []string{"postgres.pgaudit.log-parameter"}},
		{"ssl off fails only the ssl check", func(s *Snapshot) {
			s.Settings["ssl"] = Setting{Value: "off", Source: "default"}
		}, breakGlass, []string{"postgres.ssl.enabled"}},
		{"a host md5 line fails plaintext and password methods", func(s *Snapshot) {
			s.HBA = append(rules("host all alice 10.0.0.0/8 md5"), s.HBA...)
			for i := range s.HBA {
				s.HBA[i].Line = i + 1
			}
		}, breakGlass, []string{"postgres.hba.no-password-methods",
			"postgres.hba.remote-plaintext"}},
		{"a remote trust line for all users reaches the superuser", func(s *Snapshot) {
			s.HBA = append(rules("hostssl all all ::/0 trust"), s.HBA...)
		}, breakGlass, []string{"postgres.hba.no-trust", "postgres.roles.remote-superuser"}},
		{"unreadable hba rules make the hba checks unknown", func(s *Snapshot) {
			s.HBA, s.HBAUnavailable = nil, "needs SELECT on pg_hba_file_rules"
		}, breakGlass, []string{"?postgres.hba.no-password-methods", "?postgres.hba.no-trust",
			"?postgres.hba.remote-plaintext", "?postgres.roles.remote-superuser"}},
		{"role problems fail the role checks", func(s *Snapshot) {
			s.Roles = append(s.Roles,
				Role{OID: 2, Name: "bob", Superuser: true, Login: true},
				Role{OID: 3, Name: "frontDesk", Login: true},
				Role{OID: 4, Name: "etl", BypassRLS: true})
			s.MD5Roles = []string{"etl"}
		}, breakGlass, []string{"postgres.password.md5-hashes",
			"postgres.roles.bypassrls", "postgres.roles.generic-login",
			"postgres.roles.login-superuser", "postgres.roles.remote-superuser"}},
		{"no declared break-glass role is unknown", func(*Snapshot) {}, Options{},
			[]string{"?postgres.break-glass.role"}},
		{"a break-glass role that can log in fails", func(s *Snapshot) {
			s.Roles[2].Login = true
		}, breakGlass, []string{"postgres.break-glass.role",
			"postgres.roles.login-superuser", "postgres.roles.remote-superuser"}},
		{"a break-glass login that expired already passes", func(s *Snapshot) {
			past := collected.Add(-time.Hour)
			s.Roles[2].Login, s.Roles[2].ValidUntil = true, &past
		}, breakGlass, []string{}},
		{"unlogged break-glass logins fail", func(s *Snapshot) {
			s.Overrides = []Override{{Role: "breakglass", Name: "log_connections",
				Value: "off"}}
		}, breakGlass, []string{"postgres.break-glass.role", "postgres.log.connections"}},
		{"settings hidden from the role are unknown", func(s *Snapshot) {
			s.ReadAllSettings = false
			delete(s.Settings, "shared_preload_libraries")
			s.MissingSettings = map[string]string{"shared_preload_libraries": "hidden"}
		}, breakGlass, []string{"?postgres.pgaudit.loaded"}},
		{"pgaudit not loaded fails loaded and classes", func(s *Snapshot) {
			s.Settings["shared_preload_libraries"] = Setting{Source: "default"}
			delete(s.Settings, "pgaudit.log")
			delete(s.Settings, "pgaudit.log_parameter")
		}, breakGlass, []string{"postgres.pgaudit.classes", "postgres.pgaudit.loaded"}},
		{"a value masked by the scanning role's override is unknown", func(s *Snapshot) {
			s.Settings["log_disconnections"] = Setting{Value: "on", Source: "user"}
		}, breakGlass, []string{"?postgres.log.disconnections"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := goodSnapshot()
			tt.change(s)
			got := failing(Evaluate(s, "db", tt.opts))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("failing checks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateNamesWhatFails(t *testing.T) {
	s := goodSnapshot()
	s.Overrides = []Override{{Role: "alice", Name: "idle_session_timeout", Value: "0"}}
	s.HBA = rules("host all all 0.0.0.0/0 md5", "hostnossl all all all reject")
	fs := Evaluate(s, "db", breakGlass)

	t.Run("the override finding names the role", func(t *testing.T) {
		f := find(t, fs, "postgres.timeout.idle-session", check.Fail)
		if f.Evidence["role"] != "alice" || f.Resource != "role alice" {
			t.Errorf("finding = %+v, want role alice in resource and evidence", f)
		}
	})
	t.Run("the plaintext finding says which reject it defeats", func(t *testing.T) {
		f := find(t, fs, "postgres.hba.remote-plaintext", check.Fail)
		if !strings.Contains(f.Message, "hostnossl reject on line 2") || f.Evidence["line"] != 1 {
			t.Errorf("finding = %+v, want line 1 shadowing line 2", f)
		}
	})
}

func find(t *testing.T, fs []check.Finding, id string, st check.Status) check.Finding {
	t.Helper()
	for _, f := range fs {
		if f.Check == id && f.Status == st {
			return f
		}
	}
	t.Fatalf("no %s finding of %s in %+v", st, id, fs)
	return check.Finding{}
}

func TestEvaluateCoversEveryCheck(t *testing.T) {
	for _, s := range []*Snapshot{{}, goodSnapshot()} {
		got := map[string]bool{}
		for _, f := range Evaluate(s, "db", Options{}) {
			got[f.Check] = true
		}
		for _, c := range Checks() {
			if !got[c.ID] {
				t.Errorf("check %s produced no finding", c.ID)
			}
		}
	}
}

func TestSnapshotSurvivesJSON(t *testing.T) {
	s := goodSnapshot()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	before, after := Evaluate(s, "db", breakGlass), Evaluate(&back, "db", breakGlass)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("findings differ after a JSON round trip (-before +after):\n%s", diff)
	}
}

func TestChecksAreWellFormed(t *testing.T) {
	set := check.NewSet(Checks())
	for _, c := range set.All() {
		if c.Kind != Kind || c.Title == "" || c.Rationale == "" || c.Remediation == "" ||
			c.Severity.Rank() < 0 || len(c.Safeguards) == 0 {
			t.Errorf("check %s is incomplete: %+v", c.ID, c)
		}
	}
}

func TestUnreachable(t *testing.T) {
	fs := Unreachable("clinic-db", errString("connection refused"))
	if len(fs) != len(Checks()) {
		t.Fatalf("got %d findings, want one per check (%d)", len(fs), len(Checks()))
	}
	for _, f := range fs {
		if f.Status != check.Error || !strings.Contains(f.Message, "connection refused") {
			t.Errorf("finding = %+v, want error status with the cause", f)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }
