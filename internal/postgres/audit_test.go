package postgres

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/check"
)

// objectAudited reports whether the tenancy cluster's log holds a pgaudit
// object-audit entry for table, waiting briefly for the server to write it.
func objectAudited(t *testing.T, table string) bool {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		b, err := os.ReadFile(tenancy.LogPath())
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "AUDIT: OBJECT") && strings.Contains(line, ","+table+",") {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestReadAuditVerdictsMatchTheAuditLog(t *testing.T) {
	needClusters(t)
	_, badFs := tenancyFindings(t, "clinic_bad", Options{})
	_, goodFs := tenancyFindings(t, "clinic_good", Options{AppRoles: []string{"app_good"}})
	tests := []struct {
		name, db, role, stmt, table string
		fs                          []check.Finding
		audited                     bool
	}{
		{"a table the audit role may read is audited", "clinic_bad", "app_norls",
			"SELECT count(*) FROM s_norls.records", "s_norls.records", badFs, true},
		{"a table the audit role may not read is not", "clinic_bad", "app_true",
			"SELECT count(*) FROM s_true.records", "s_true.records", badFs, false},
		{"the correct setup audits its ePHI table", "clinic_good", "app_good",
			"SELECT count(*) FROM encounters", "public.encounters", goodFs, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := experiment(t, tt.db, tt.role, tt.stmt); err != nil {
				t.Fatal(err)
			}
			if got := objectAudited(t, tt.table); got != tt.audited {
				t.Fatalf("experiment: the log has an object-audit entry for %s: %v, want %v",
					tt.table, got, tt.audited)
			}
			if failsOn(tt.fs, "postgres.pgaudit.read-ephi", tt.table+"$") == tt.audited {
				t.Errorf("scanner disagrees: audited=%v but read-ephi fails=%v on %s",
					tt.audited, !tt.audited, tt.table)
			}
		})
	}
	t.Run("an audit role that can log in fails", func(t *testing.T) {
		if !failsOn(badFs, "postgres.pgaudit.read-ephi", "role auditor_login") {
			t.Error("no failing finding on the LOGIN audit role")
		}
	})
}

func TestDefinerFunctionReadIsAnAuditBlindSpot(t *testing.T) {
	needClusters(t)
	_, fs := tenancyFindings(t, "clinic_bad", Options{})
	n, _, err := experiment(t, "clinic_bad", "app_func", "SELECT s_func.count_tenant(1)")
	if err != nil || n != 1 {
		t.Fatalf("calling the function: %d, %v", n, err)
	}
	// The audit role holds SELECT on s_func.records, yet the read inside the
	// function leaves no object-audit entry; a direct read does.
	if objectAudited(t, "s_func.records") {
		t.Fatal("experiment: the read through the function was object-audited")
	}
	if _, _, err := experiment(t, "clinic_bad", "app_func",
		"SELECT count(*) FROM s_func.records"); err != nil {
		t.Fatal(err)
	}
	if !objectAudited(t, "s_func.records") {
		t.Fatal("experiment: a direct read of s_func.records was not object-audited")
	}
	if !failsOn(fs, "postgres.pgaudit.definer-blind-spot",
		"function s_func.count_tenant(integer) -> s_func.records") {
		t.Error("scanner: no blind-spot finding for s_func.count_tenant")
	}
	for _, f := range fs {
		if f.Status == check.Fail && strings.Contains(f.Resource, "pgaudit_") {
			t.Errorf("pgaudit's own extension function reported: %s on %s", f.Check, f.Resource)
		}
	}
}

func TestAuditTableVerdictsMatchTheExperiment(t *testing.T) {
	needClusters(t)
	_, fs := tenancyFindings(t, "clinic_bad", Options{})
	tests := []struct {
		name, role string
		stmts      []string
		res        string
	}{
		{"a granted DELETE erases the trail", "app_audit",
			[]string{"DELETE FROM s_audit.audit_log"}, "role app_audit -> s_audit.audit_log"},
		{"TRUNCATE through membership erases the trail", "app_audit_member",
			[]string{"TRUNCATE s_audit.events_audit",
				"SELECT 1 - count(*) FROM s_audit.events_audit"},
			"role app_audit_member -> s_audit.events_audit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, _, err := experiment(t, "clinic_bad", tt.role, tt.stmts...)
			if err != nil || n != 1 {
				t.Fatalf("experiment: %d audit rows removed, err %v; want 1", n, err)
			}
			if !failsOn(fs, "postgres.audit.append-only", tt.res) {
				t.Errorf("scanner: no failing append-only finding on %s", tt.res)
			}
		})
	}
}

func TestTamperEvidenceMatchesTheTrigger(t *testing.T) {
	needClusters(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Even the superuser, who bypasses every privilege, is refused.
	err := tenancy.Exec(ctx, "clinic_good", "BEGIN; UPDATE audit_log SET actor = 'x'; ROLLBACK")
	if err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Fatalf("updating the good audit log: %v, want the trigger's refusal", err)
	}
	err = tenancy.Exec(ctx, "clinic_bad", "BEGIN; UPDATE s_audit.audit_log SET actor = 'x'; "+
		"ROLLBACK")
	if err != nil {
		t.Fatalf("updating the bad audit log: %v", err)
	}
	_, goodFs := tenancyFindings(t, "clinic_good", Options{AppRoles: []string{"app_good"}})
	f := find(t, goodFs, "postgres.audit.tamper-evident", check.Pass)
	if !strings.Contains(f.Message, "trigger audit_immutable") ||
		!strings.Contains(f.Message, "prev_hash") {
		t.Errorf("good audit log evidence = %s", f.Message)
	}
	_, badFs := tenancyFindings(t, "clinic_bad", Options{})
	if !failsOn(badFs, "postgres.audit.tamper-evident", "s_audit.audit_log") {
		t.Error("scanner: the bad audit log is not reported")
	}
}

func TestLocalClusterEncryptionEvidence(t *testing.T) {
	needClusters(t)
	s, fs := tenancyFindings(t, "clinic_good", Options{AppRoles: []string{"app_good"}})
	if s.DataDirectory != tenancy.DataDir() {
		t.Errorf("data directory = %q, want %q", s.DataDirectory, tenancy.DataDir())
	}
	if s.Storage == nil {
		t.Fatal("the host probe did not run for a local cluster")
	}
	var f check.Finding
	for _, x := range fs {
		if x.Check == "postgres.encryption.at-rest" {
			f = x
		}
	}
	t.Logf("storage: %+v; finding: %s: %s", *s.Storage, f.Status, f.Message)
	switch s.Storage.Encrypted {
	case "yes":
		if f.Status != check.Pass {
			t.Errorf("on dm-crypt, finding = %s", f.Status)
		}
	case "unknown":
		if f.Status != check.Unknown || !strings.Contains(f.Message, "record a decision") {
			t.Errorf("without evidence, finding = %s: %s", f.Status, f.Message)
		}
	case "no":
		if f.Status != check.Fail {
			t.Errorf("on a plain disk with ePHI in clear, finding = %s", f.Status)
		}
	}
}
