package postgres

import "github.com/kollguard/kollguard/internal/check"

// More safeguard citations (45 CFR 164.312).
var (
	sgAccess      = []string{"164.312(a)(1)"}
	sgEncryption  = []string{"164.312(a)(2)(iv)"}
	sgAuditTrail  = []string{"164.312(b)", "164.312(c)(1)"}
	sgTamper      = []string{"164.312(c)(1)", "164.312(c)(2)"}
	sgAuditAccess = []string{"164.312(b)"}
)

// tenancyTable lists the checks of ePHI discovery, tenant isolation, read
// auditing, append-only audit trails and encryption at rest, in report
// order. Evaluate runs them after the checks of table.
var tenancyTable = []entry{
	def("postgres.ephi.inventory", "Tables holding ePHI are inventoried", check.Info, sgAccess,
		"Access control, auditing and encryption of ePHI start from knowing where it is "+
			"(164.312(a)(1)); the inventory comes from names, comments and security labels, "+
			"never from rows or pg_stats.",
		"Check the list; add missed tables or columns under ephi.include and false ones "+
			"under ephi.exclude of the target in kollguard.yaml.",
		evalInventory),

	// Tenant isolation, 164.312(a)(1) and (a)(2)(i).
	def("postgres.rls.tenant-tables", "Row-level security is on for every tenant table",
		check.High, sgAccessUnique,
		"Without row-level security every role that may read a tenant table reads every "+
			"tenant's rows; a partition read directly skips the parent's policies "+
			"(164.312(a)(1)).",
		"ALTER TABLE t ENABLE ROW LEVEL SECURITY (and on each partition the application "+
			"can read), with a policy on the tenant key.",
		evalTenantRLS),
	def("postgres.rls.owner-force", "The application does not own tenant tables unforced",
		check.High, sgAccessUnique,
		"A table's owner, and members of the owning role, skip its policies unless FORCE "+
			"ROW LEVEL SECURITY is set (164.312(a)(1)).",
		"Let a NOLOGIN role own the tables and the application log in as a non-member; or "+
			"ALTER TABLE t FORCE ROW LEVEL SECURITY.",
		evalOwnerForce),
	def("postgres.rls.app-role-bypass", "Application roles cannot bypass row-level security",
		check.Critical, sgAccessUnique,
		"A superuser or BYPASSRLS role ignores every policy, and SET ROLE to such a role "+
			"is one statement away for any of its members (164.312(a)(1), (a)(2)(i)).",
		"ALTER ROLE <app role> NOSUPERUSER NOBYPASSRLS, and REVOKE membership in roles that have "+
			"either.",
		evalAppBypass),
	def("postgres.rls.permissive-true", "No permissive policy lets every row through",
		check.High, sgAccessUnique,
		"Permissive policies are combined with OR: one whose condition is true or absent "+
			"opens the table to every tenant (164.312(a)(1)).",
		"DROP the policy, or rewrite its USING to compare the tenant key with the session's "+
			"tenant.",
		evalPermissiveTrue),
	def("postgres.rls.tenant-key", "Permissive policies filter on the tenant key",
		check.High, sgAccessUnique,
		"A permissive policy for PUBLIC or an application role that filters on anything but "+
			"the tenant key shows matching rows of every tenant (164.312(a)(1)).",
		"Make the policy's USING compare the tenant key (tenant_id = "+
			"current_setting('app.tenant_id')::int), or make it RESTRICTIVE.",
		evalTenantKey),
	def("postgres.rls.with-check", "Write policies check the tenant key of new rows",
		check.High, sgAccessUnique,
		"Without a WITH CHECK on the tenant key, a tenant can insert or move rows into "+
			"another tenant (164.312(a)(1), (c)(1)).",
		"Add WITH CHECK (tenant_id = current_setting('app.tenant_id')::int) to INSERT, "+
			"UPDATE and ALL policies.",
		evalWithCheck),
	def("postgres.rls.policies-disabled", "Tables with policies enforce them", check.High,
		sgAccessUnique,
		"Policies on a table with row-level security disabled are not enforced: the "+
			"protection exists only on paper (164.312(a)(1)).",
		"ALTER TABLE t ENABLE ROW LEVEL SECURITY, or drop the unused policies.",
		evalPoliciesDisabled),
	def("postgres.rls.deny-all", "Tables with row-level security and no policy are listed",
		check.Info, sgAccessUnique,
		"Row-level security with no policy hides every row from roles subject to it; a "+
			"fact to know, not a leak (164.312(a)(1)).",
		"Nothing, if default deny is intended; else add the policies.",
		evalDenyAll),
	def("postgres.rls.definer-views", "Views do not read tenant tables with bypassing rights",
		check.High, sgAccessUnique,
		"A view without security_invoker reads its tables with its owner's rights, and a "+
			"materialized view stores what its owner saw: an owner that bypasses the "+
			"policies hands every tenant's rows to whoever may read the view (164.312(a)(1)).",
		"ALTER VIEW v SET (security_invoker = true); let materialized views over tenant "+
			"tables be read only by roles that may see every tenant.",
		evalDefinerViews),
	def("postgres.rls.definer-functions", "SECURITY DEFINER functions do not bypass policies",
		check.High, sgAccessUnique,
		"A SECURITY DEFINER function runs as its owner; owned by a superuser, a BYPASSRLS "+
			"role or the table owner it reads every tenant's rows for any caller, and an "+
			"unpinned search_path lets callers run their own code as that owner "+
			"(164.312(a)(1)).",
		"Make the function SECURITY INVOKER, or give it an owner subject to the policies; "+
			"REVOKE EXECUTE ... FROM PUBLIC; ALTER FUNCTION f SET search_path = pg_catalog, s.",
		evalDefinerFunctions),
	def("postgres.rls.leakproof", "No user function is marked LEAKPROOF", check.Medium,
		sgAccessUnique,
		"The planner may run LEAKPROOF functions before row-level security filters rows; "+
			"what such a function raises or logs reveals other tenants' values "+
			"(164.312(a)(1)).",
		"ALTER FUNCTION f NOT LEAKPROOF, unless it is proven to reveal nothing about its "+
			"arguments.",
		evalLeakproof),
	def("postgres.rls.server-version", "The server has the row-level security fixes",
		check.High, sgAccessUnique,
		"Minor releases fixed row-level security bypasses: CVE-2023-2455 (15.3), "+
			"CVE-2023-39418 (15.4), CVE-2024-10976 (15.9), CVE-2025-8713 (15.14) "+
			"(164.312(a)(1)).",
		"Install the latest minor release of the server's major version and restart.",
		evalServerVersion),

	// Audit controls and integrity, 164.312(b) and (c).
	def("postgres.pgaudit.read-ephi", "Reads of every ePHI table are audited", check.Medium,
		sgAuditAccess,
		"Who read which patient's data is the question an audit must answer: the read "+
			"class of pgaudit.log, or object auditing with a NOLOGIN pgaudit.role holding "+
			"SELECT on each ePHI table (164.312(b)).",
		"CREATE ROLE auditor NOLOGIN; GRANT SELECT ON each ePHI table TO auditor; set "+
			"pgaudit.role = 'auditor' (or add read to pgaudit.log).",
		evalReadAudit),
	def("postgres.pgaudit.definer-blind-spot", "ePHI is not read through SECURITY DEFINER "+
		"functions", check.Low, sgAuditAccess,
		"A read through a SECURITY DEFINER function runs as the owner; pgaudit's object "+
			"audit did not record such reads in our tests, and the application's statement "+
			"names only the function, so the trail misses who read which rows (164.312(b)).",
		"Make the function SECURITY INVOKER, or log its calls with their arguments in an "+
			"audit table.",
		evalDefinerBlindSpot),
	def("postgres.audit.append-only", "Audit tables are append-only for the application",
		check.High, sgAuditTrail,
		"An application that may UPDATE, DELETE or TRUNCATE its own audit trail can erase "+
			"the record of what it did (164.312(b), (c)(1)).",
		"REVOKE UPDATE, DELETE, TRUNCATE ON audit tables FROM the application roles and "+
			"the roles they inherit from; let a NOLOGIN role own them; GRANT INSERT, SELECT.",
		evalAppendOnly),
	def("postgres.audit.tamper-evident", "Audit rows are tamper-evident", check.Low,
		sgTamper,
		"A hash chain over audit rows, or a trigger that refuses UPDATE and DELETE, makes "+
			"a changed record detectable (164.312(c)(2)).",
		"Add a column holding a hash of the row and the previous row's hash, or a BEFORE "+
			"UPDATE OR DELETE trigger that raises an exception.",
		evalTamperEvident),

	// Encryption and decryption, 164.312(a)(2)(iv).
	def("postgres.encryption.at-rest", "ePHI is encrypted at rest", check.Medium,
		sgEncryption,
		"Stolen disks, snapshots and backups expose ePHI unless it is encrypted at rest "+
			"(164.312(a)(2)(iv)); evidence is dm-crypt/LUKS under the data directory or "+
			"column encryption of every ePHI column.",
		"Put the data directory on a LUKS volume (or the provider's encrypted storage) and "+
			"record it as a decision; or encrypt ePHI columns (pgsodium, pgcrypto).",
		evalEncryption),
}
