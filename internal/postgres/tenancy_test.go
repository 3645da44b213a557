package postgres

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kollguard/kollguard/internal/check"
)

// experiment is one ground-truth run: it logs in as role with tenant 1
// selected, runs stmts in a transaction that is rolled back, and returns
// the count the last statement selected or the rows it changed, and the
// notices the server sent.
func experiment(t *testing.T, db, role string, stmts ...string) (int64, []string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(tenancy.URL(role, db))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = appPassword
	var notices []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Message) }
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SET app.tenant_id = '1'"); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	last := len(stmts) - 1
	for _, s := range stmts[:last] {
		if _, err := tx.Exec(ctx, s); err != nil {
			return 0, notices, err
		}
	}
	if strings.HasPrefix(strings.TrimSpace(stmts[last]), "SELECT") {
		var n int64
		err := tx.QueryRow(ctx, stmts[last]).Scan(&n)
		return n, notices, err
	}
	tag, err := tx.Exec(ctx, stmts[last])
	return tag.RowsAffected(), notices, err
}

// tenancyFindings collects db of the tenancy cluster as the superuser and
// evaluates it with opts.
func tenancyFindings(t *testing.T, db string, opts Options) (*Snapshot, []check.Finding) {
	t.Helper()
	s := collectOK(t, Conn{URL: tenancy.SocketURL("postgres", db),
		Password: tenancy.SuperuserPassword()})
	return s, Evaluate(s, db, opts)
}

// failsOn reports whether fs holds a failing finding of id whose resource
// contains res; a $ in res matches the end of the resource.
func failsOn(fs []check.Finding, id, res string) bool {
	for _, f := range fs {
		if f.Check == id && f.Status == check.Fail && strings.Contains(f.Resource+"$", res) {
			return true
		}
	}
	return false
}

// leakCase is one leak path: the experiment counts tenant 2's rows
// through it, and the scanner must fail check on a resource holding res
// exactly when that count is above zero.
type leakCase struct {
	name, role string
	stmts      []string
	check, res string
	leaks      bool
}

var leakCases = []leakCase{
	{"RLS off: the table shows tenant 2", "app_norls",
		[]string{"SELECT count(*) FROM s_norls.records WHERE tenant_id = 2"},
		"postgres.rls.tenant-tables", "role app_norls -> s_norls.records", true},
	{"a partition without RLS read directly shows tenant 2", "app_part",
		[]string{"SELECT count(*) FROM s_part.records_t2"},
		"postgres.rls.tenant-tables", "role app_part -> s_part.records_t2", true},
	{"the parent of that partition shows no tenant 2 row", "app_part",
		[]string{"SELECT count(*) FROM s_part.records WHERE tenant_id = 2"},
		"postgres.rls.tenant-tables", "role app_part -> s_part.records$", false},
	{"the owner without FORCE sees tenant 2", "app_owner",
		[]string{"SELECT count(*) FROM s_owner.records WHERE tenant_id = 2"},
		"postgres.rls.owner-force", "role app_owner -> s_owner.records", true},
	{"a member of the owner without FORCE sees tenant 2", "app_member",
		[]string{"SELECT count(*) FROM s_member.records WHERE tenant_id = 2"},
		"postgres.rls.owner-force", "role app_member -> s_member.records", true},
	{"a BYPASSRLS application role sees tenant 2", "app_bypass",
		[]string{"SELECT count(*) FROM s_bypass.records WHERE tenant_id = 2"},
		"postgres.rls.app-role-bypass", "role app_bypass -> every tenant table", true},
	{"SET ROLE to a BYPASSRLS role shows tenant 2", "app_setrole",
		[]string{"SET ROLE etl_bypass",
			"SELECT count(*) FROM s_setrole.records WHERE tenant_id = 2"},
		"postgres.rls.app-role-bypass", "role app_setrole -> role etl_bypass", true},
	{"a permissive USING (true) policy shows tenant 2", "app_true",
		[]string{"SELECT count(*) FROM s_true.records WHERE tenant_id = 2"},
		"postgres.rls.permissive-true", "role app_true -> policy p_all -> s_true.records", true},
	{"a PUBLIC policy ignoring the tenant key shows tenant 2", "app_public",
		[]string{"SELECT count(*) FROM s_public.records WHERE tenant_id = 2"},
		"postgres.rls.tenant-key", "role app_public -> policy p_public -> s_public.records",
		true},
	{"an INSERT policy WITH CHECK (true) writes into tenant 2", "app_write",
		[]string{"INSERT INTO s_write.records VALUES (9, 2, 'planted')"},
		"postgres.rls.with-check", "role app_write -> policy p_insert -> s_write.records",
		true},
	{"an ALL policy without WITH CHECK still refuses tenant 2 rows", "app_allpol",
		[]string{"INSERT INTO s_allpol.records VALUES (9, 2, 'planted')"},
		"postgres.rls.with-check", "s_allpol.records", false},
	{"an ALL policy without WITH CHECK refuses moving rows to tenant 2", "app_allpol",
		[]string{"UPDATE s_allpol.records SET tenant_id = 2"},
		"postgres.rls.with-check", "s_allpol.records", false},
	{"policies on a table with RLS disabled show tenant 2", "app_disabled",
		[]string{"SELECT count(*) FROM s_disabled.records WHERE tenant_id = 2"},
		"postgres.rls.policies-disabled", "s_disabled.records", true},
	{"RLS without a policy shows nothing", "app_deny",
		[]string{"SELECT count(*) FROM s_deny.records"},
		"postgres.rls.tenant-tables", "s_deny.records", false},
	{"a view owned by a superuser shows tenant 2", "app_view",
		[]string{"SELECT count(*) FROM s_view.all_records WHERE tenant_id = 2"},
		"postgres.rls.definer-views", "view s_view.all_records -> s_view.records", true},
	{"a materialized view shows tenant 2", "app_view",
		[]string{"SELECT count(*) FROM s_view.mv_records WHERE tenant_id = 2"},
		"postgres.rls.definer-views", "materialized view s_view.mv_records", true},
	{"a security_invoker view shows no tenant 2 row", "app_view",
		[]string{"SELECT count(*) FROM s_view.safe_records WHERE tenant_id = 2"},
		"postgres.rls.definer-views", "s_view.safe_records", false},
	{"a SECURITY DEFINER function of a superuser counts tenant 2", "app_func",
		[]string{"SELECT s_func.count_tenant(2)"},
		"postgres.rls.definer-functions",
		"PUBLIC -> function s_func.count_tenant(integer) -> s_func.records", true},
	{"a SECURITY INVOKER function counts no tenant 2 row", "app_func",
		[]string{"SELECT s_func.count_invoker(2)"},
		"postgres.rls.definer-functions", "s_func.count_invoker", false},
}

func TestTenantIsolationVerdictsMatchTheExperiment(t *testing.T) {
	needClusters(t)
	_, fs := tenancyFindings(t, "clinic_bad", Options{})
	for _, tc := range leakCases {
		t.Run(tc.name, func(t *testing.T) {
			n, _, err := experiment(t, "clinic_bad", tc.role, tc.stmts...)
			if tc.leaks && err != nil {
				t.Fatalf("the leak path failed: %v", err)
			}
			if !tc.leaks && err != nil {
				t.Logf("the server refused the statement: %v", err)
				n = 0
			}
			if got := n > 0; got != tc.leaks {
				t.Fatalf("experiment: %d rows of tenant 2 through the path, want leak=%v",
					n, tc.leaks)
			}
			if got := failsOn(fs, tc.check, tc.res); got != tc.leaks {
				t.Errorf("scanner: failing %s on %q = %v, but the experiment counted %d rows "+
					"of tenant 2", tc.check, tc.res, got, n)
			}
		})
	}
}

func TestLeakproofFunctionSeesOtherTenants(t *testing.T) {
	needClusters(t)
	_, fs := tenancyFindings(t, "clinic_bad", Options{})
	n, notices, err := experiment(t, "clinic_bad", "app_leak",
		"SELECT count(*) FROM s_leak.records WHERE s_leak.peek(diagnosis)")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, m := range notices {
		if strings.Contains(m, "asthma") { // tenant 2's value
			seen++
		}
	}
	t.Logf("the query returned %d rows; the function saw tenant 2's value %d times", n, seen)
	if seen == 0 {
		t.Fatal("experiment: the LEAKPROOF function saw no tenant 2 value")
	}
	if !failsOn(fs, "postgres.rls.leakproof", "function s_leak.peek(text)") {
		t.Error("scanner: no failing postgres.rls.leakproof finding on s_leak.peek")
	}
}

func TestDenyAllIsReportedAsAFact(t *testing.T) {
	needClusters(t)
	_, fs := tenancyFindings(t, "clinic_bad", Options{})
	for _, f := range fs {
		if f.Check == "postgres.rls.deny-all" && f.Resource == "s_deny.records" {
			if f.Status != check.Pass || f.Severity != check.Info {
				t.Errorf("deny-all finding = %s/%s, want pass/info", f.Status, f.Severity)
			}
			return
		}
	}
	t.Error("no deny-all finding on s_deny.records")
}

// tenancyChecks are the IDs of the checks of tenancyTable.
func tenancyChecks() map[string]bool {
	m := map[string]bool{}
	for _, e := range tenancyTable {
		m[e.ID] = true
	}
	return m
}

func TestCorrectMultiTenantSetupHasNoFailingFinding(t *testing.T) {
	needClusters(t)
	s, fs := tenancyFindings(t, "clinic_good", Options{AppRoles: []string{"app_good"}})
	ids := tenancyChecks()
	for _, f := range fs {
		if !ids[f.Check] || f.Status == check.Pass {
			continue
		}
		if f.Check == "postgres.encryption.at-rest" && f.Status == check.Unknown {
			continue
		}
		t.Errorf("%s on %s: %s: %s", f.Check, f.Resource, f.Status, f.Message)
	}
	experiments := []struct {
		name  string
		stmts []string
	}{
		{"the table", []string{"SELECT count(*) FROM encounters WHERE tenant_id = 2"}},
		{"the invoker view", []string{"SELECT count(*) FROM encounter_list WHERE tenant_id = 2"}},
		{"an insert for tenant 2", []string{"INSERT INTO encounters VALUES (3, 2, 'X', 'y')"}},
		{"moving rows to tenant 2", []string{"UPDATE encounters SET tenant_id = 2"}},
		{"the audit trail", []string{"SELECT count(*) FROM audit_log WHERE tenant_id = 2"}},
		{"rewriting the audit trail", []string{"DELETE FROM audit_log"}},
	}
	for _, e := range experiments {
		t.Run("tenant 1 reaches no row of tenant 2 through "+e.name, func(t *testing.T) {
			n, _, err := experiment(t, "clinic_good", "app_good", e.stmts...)
			if err != nil {
				t.Logf("refused: %v", err)
				n = 0
			}
			if n != 0 {
				t.Errorf("%d rows of tenant 2 reached", n)
			}
		})
	}
	t.Run("the inventory names encounters and why", func(t *testing.T) {
		inv := find(t, fs, "postgres.ephi.inventory", check.Pass)
		if !strings.Contains(inv.Message, "public.encounters") ||
			strings.Contains(inv.Message, "audit_log") {
			t.Errorf("inventory = %s", inv.Message)
		}
		if len(s.EPHI) != 1 || len(s.EPHI[0].Columns) != 2 {
			t.Errorf("snapshot ePHI = %+v, want encounters with patient_name and diagnosis",
				s.EPHI)
		}
	})
}

func TestTenancySnapshotSurvivesJSON(t *testing.T) {
	needClusters(t)
	s, before := tenancyFindings(t, "clinic_bad", Options{})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.SchemaVersion != SchemaVersion {
		t.Errorf("schema version = %d, want %d", back.SchemaVersion, SchemaVersion)
	}
	after := Evaluate(&back, "clinic_bad", Options{})
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("findings differ after a JSON round trip (-before +after):\n%s", diff)
	}
}
