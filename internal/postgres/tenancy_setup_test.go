package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/kollguard/kollguard/internal/pgcluster"
)

// The tenancy cluster holds two databases: clinic_good, a correct
// multi-tenant setup, and clinic_bad, one schema per row-level security
// mistake, each with its own application role. Every tenant table holds
// one row of tenant 1 and one of tenant 2; policies select the tenant with
// SET app.tenant_id.

// appPassword is the password of every application role of the tenancy
// cluster.
const appPassword = "app-pw-5e1d"

// tenantIs is the policy condition on the session's tenant.
const tenantIs = "tenant_id = current_setting('app.tenant_id')::int"

// badApps are the application roles of clinic_bad, one per scenario.
var badApps = []string{"app_norls", "app_part", "app_owner", "app_member", "app_bypass",
	"app_setrole", "app_true", "app_public", "app_write", "app_allpol", "app_disabled",
	"app_deny", "app_view", "app_func", "app_leak", "app_audit", "app_audit_member"}

func tenancyOptions() pgcluster.Options {
	return pgcluster.Options{
		Pgaudit: true,
		Settings: map[string]string{
			"log_line_prefix": "%m [%p] %a %q%u@%d %r ",
			"log_statement":   "all",
			"pgaudit.log":     "ddl",
		},
	}
}

// tenancyRoles are the cluster-wide roles.
func tenancyRoles() string {
	var b strings.Builder
	for _, r := range append([]string{"app_good"}, badApps...) {
		fmt.Fprintf(&b, "CREATE ROLE %s LOGIN PASSWORD '%s';\n", r, appPassword)
	}
	b.WriteString(`
CREATE ROLE clinic_owner NOLOGIN;
CREATE ROLE auditor NOLOGIN;
CREATE ROLE auditor_login LOGIN PASSWORD 'audit-pw';
CREATE ROLE owner_grp NOLOGIN;
GRANT owner_grp TO app_member;
ALTER ROLE app_bypass BYPASSRLS;
CREATE ROLE etl_bypass NOLOGIN BYPASSRLS;
ALTER ROLE app_setrole NOINHERIT;
GRANT etl_bypass TO app_setrole;
CREATE ROLE audit_writers NOLOGIN;
GRANT audit_writers TO app_audit_member;
`)
	return b.String()
}

// goodTenancySQL is a correct multi-tenant setup: a NOLOGIN owner, ENABLE
// and FORCE, a policy on the tenant key with WITH CHECK, an invoker view,
// an append-only, tamper-evident audit table and object auditing.
var goodTenancySQL = `
CREATE EXTENSION pgaudit;
CREATE TABLE encounters (id int, tenant_id int NOT NULL, patient_name text, diagnosis text);
INSERT INTO encounters VALUES (1, 1, 'Ann Lee', 'influenza'), (2, 2, 'Bo Diaz', 'asthma');
ALTER TABLE encounters OWNER TO clinic_owner;
ALTER TABLE encounters ENABLE ROW LEVEL SECURITY;
ALTER TABLE encounters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON encounters FOR ALL TO app_good
	USING (` + tenantIs + `) WITH CHECK (` + tenantIs + `);
GRANT SELECT, INSERT, UPDATE ON encounters TO app_good;
CREATE VIEW encounter_list WITH (security_invoker = true) AS
	SELECT id, tenant_id, diagnosis FROM encounters;
ALTER VIEW encounter_list OWNER TO clinic_owner;
GRANT SELECT ON encounter_list TO app_good;
CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY, tenant_id int NOT NULL,
	actor text, action text, at timestamptz DEFAULT now(), prev_hash bytea, row_hash bytea);
INSERT INTO audit_log (tenant_id, actor, action) VALUES (1, 'ann', 'read'), (2, 'bo', 'read');
ALTER TABLE audit_log OWNER TO clinic_owner;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_tenant ON audit_log FOR ALL TO app_good
	USING (` + tenantIs + `) WITH CHECK (` + tenantIs + `);
GRANT SELECT, INSERT ON audit_log TO app_good;
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql
	SET search_path = pg_catalog AS $$BEGIN RAISE EXCEPTION 'audit rows are immutable'; END$$;
CREATE TRIGGER audit_immutable BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION refuse_change();
GRANT SELECT ON encounters TO auditor;
`

// badTable creates schema s and its tenant table s.records with one row of
// each tenant, usable by role.
func badTable(s, role string) string {
	return fmt.Sprintf(`
CREATE SCHEMA %[1]s;
GRANT USAGE ON SCHEMA %[1]s TO %[2]s;
CREATE TABLE %[1]s.records (id int, tenant_id int, diagnosis text);
INSERT INTO %[1]s.records VALUES (1, 1, 'influenza'), (2, 2, 'asthma');
`, s, role)
}

// forced enables and forces row-level security on s.records with a policy
// on the tenant key for PUBLIC.
func forced(s string) string {
	return fmt.Sprintf(`
ALTER TABLE %[1]s.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE %[1]s.records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_key ON %[1]s.records USING (%[2]s) WITH CHECK (%[2]s);
`, s, tenantIs)
}

// badTenancySQL builds clinic_bad: one schema per mistake.
func badTenancySQL() string {
	var b strings.Builder
	add := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	add("CREATE EXTENSION pgaudit;\n")
	add(badTable("s_norls", "app_norls"), "GRANT SELECT ON s_norls.records TO app_norls;\n")
	add(`CREATE SCHEMA s_part;
GRANT USAGE ON SCHEMA s_part TO app_part;
CREATE TABLE s_part.records (id int, tenant_id int, diagnosis text) PARTITION BY LIST (tenant_id);
CREATE TABLE s_part.records_t1 PARTITION OF s_part.records FOR VALUES IN (1);
CREATE TABLE s_part.records_t2 PARTITION OF s_part.records FOR VALUES IN (2);
INSERT INTO s_part.records VALUES (1, 1, 'influenza'), (2, 2, 'asthma');
ALTER TABLE s_part.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE s_part.records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_key ON s_part.records USING (` + tenantIs + `);
GRANT SELECT ON s_part.records, s_part.records_t2 TO app_part;
`)
	add(badTable("s_owner", "app_owner"), `ALTER TABLE s_owner.records OWNER TO app_owner;
ALTER TABLE s_owner.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_key ON s_owner.records USING (`+tenantIs+`);
`)
	add(badTable("s_member", "app_member"), `ALTER TABLE s_member.records OWNER TO owner_grp;
ALTER TABLE s_member.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_key ON s_member.records USING (`+tenantIs+`);
`)
	add(badTable("s_bypass", "app_bypass"), forced("s_bypass"),
		"GRANT SELECT ON s_bypass.records TO app_bypass;\n")
	add(badTable("s_setrole", "app_setrole"), forced("s_setrole"),
		"GRANT USAGE ON SCHEMA s_setrole TO etl_bypass;\n",
		"GRANT SELECT ON s_setrole.records TO app_setrole, etl_bypass;\n")
	add(badTable("s_true", "app_true"), `ALTER TABLE s_true.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_all ON s_true.records FOR SELECT TO app_true USING (true);
GRANT SELECT ON s_true.records TO app_true;
`)
	add(badTable("s_public", "app_public"), `ALTER TABLE s_public.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_public ON s_public.records FOR SELECT TO PUBLIC USING (diagnosis IS NOT NULL);
GRANT SELECT ON s_public.records TO app_public;
`)
	add(badTable("s_write", "app_write"), `ALTER TABLE s_write.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_read ON s_write.records FOR SELECT TO app_write USING (`+tenantIs+`);
CREATE POLICY p_insert ON s_write.records FOR INSERT TO app_write WITH CHECK (true);
GRANT SELECT, INSERT ON s_write.records TO app_write;
`)
	add(badTable("s_allpol", "app_allpol"), `ALTER TABLE s_allpol.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_rw ON s_allpol.records FOR ALL TO app_allpol USING (`+tenantIs+`);
GRANT SELECT, INSERT, UPDATE ON s_allpol.records TO app_allpol;
`)
	add(badTable("s_disabled", "app_disabled"),
		"CREATE POLICY tenant_key ON s_disabled.records USING ("+tenantIs+");\n",
		"GRANT SELECT ON s_disabled.records TO app_disabled;\n")
	add(badTable("s_deny", "app_deny"), `ALTER TABLE s_deny.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE s_deny.records FORCE ROW LEVEL SECURITY;
GRANT SELECT ON s_deny.records TO app_deny;
`)
	add(badTable("s_view", "app_view"), forced("s_view"), `
CREATE VIEW s_view.all_records AS SELECT * FROM s_view.records;
CREATE MATERIALIZED VIEW s_view.mv_records AS SELECT * FROM s_view.records;
CREATE VIEW s_view.safe_records WITH (security_invoker = true) AS SELECT * FROM s_view.records;
GRANT SELECT ON s_view.all_records, s_view.mv_records, s_view.safe_records, s_view.records
	TO app_view;
`)
	add(badTable("s_func", "app_func"), forced("s_func"), `
CREATE FUNCTION s_func.count_tenant(t int) RETURNS bigint LANGUAGE sql SECURITY DEFINER
	AS $$ SELECT count(*) FROM s_func.records WHERE tenant_id = t $$;
CREATE FUNCTION s_func.count_invoker(t int) RETURNS bigint LANGUAGE sql
	AS $$ SELECT count(*) FROM s_func.records WHERE tenant_id = t $$;
GRANT SELECT ON s_func.records TO app_func;
`)
	add(badTable("s_leak", "app_leak"), forced("s_leak"), `
CREATE FUNCTION s_leak.peek(v text) RETURNS boolean LANGUAGE plpgsql LEAKPROOF COST 0.0000001
	AS $$BEGIN RAISE NOTICE 'peek: %', v; RETURN true; END$$;
GRANT SELECT ON s_leak.records TO app_leak;
`)
	add(`CREATE SCHEMA s_audit;
GRANT USAGE ON SCHEMA s_audit TO app_audit, app_audit_member;
CREATE TABLE s_audit.audit_log (id int, actor text, action text);
CREATE TABLE s_audit.events_audit (id int, actor text, action text);
INSERT INTO s_audit.audit_log VALUES (1, 'ann', 'read');
INSERT INTO s_audit.events_audit VALUES (1, 'ann', 'read');
GRANT SELECT, INSERT, UPDATE, DELETE ON s_audit.audit_log TO app_audit;
GRANT SELECT, INSERT, TRUNCATE ON s_audit.events_audit TO audit_writers;
GRANT USAGE ON SCHEMA s_norls TO auditor_login;
GRANT SELECT ON s_norls.records TO auditor_login;
GRANT USAGE ON SCHEMA s_func TO auditor_login;
GRANT SELECT ON s_func.records TO auditor_login;
`)
	return b.String()
}

// startTenancy starts the tenancy cluster and builds its two databases.
func startTenancy(ctx context.Context) (*pgcluster.Cluster, error) {
	c, err := startWith(ctx, tenancyOptions(), tenancyRoles())
	if err != nil {
		return nil, err
	}
	steps := []struct{ db, sql string }{
		{"postgres", "CREATE DATABASE clinic_good"},
		{"postgres", "CREATE DATABASE clinic_bad"},
		{"postgres", "ALTER DATABASE clinic_good SET pgaudit.role = 'auditor'"},
		{"postgres", "ALTER DATABASE clinic_bad SET pgaudit.role = 'auditor_login'"},
		{"clinic_good", goodTenancySQL},
		{"clinic_bad", badTenancySQL()},
	}
	for _, st := range steps {
		if err := c.Exec(ctx, st.db, st.sql); err != nil {
			c.Stop()
			return nil, err
		}
	}
	return c, nil
}
