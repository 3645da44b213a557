package postgres

import (
	"slices"

	"github.com/kollguard/kollguard/internal/check"
)

// Kind is the target kind of every check in this package.
const Kind = "postgres"

// Safeguard citations the checks are evidence for (45 CFR 164.312).
var (
	sgTransmission = []string{"164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"}
	sgAuth         = []string{"164.312(d)"}
	sgUnique       = []string{"164.312(a)(2)(i)"}
	sgAccessUnique = []string{"164.312(a)(1)", "164.312(a)(2)(i)"}
	sgLogoff       = []string{"164.312(a)(2)(iii)"}
	sgAudit        = []string{"164.312(b)"}
	sgIntegrity    = []string{"164.312(c)(1)", "164.312(c)(2)"}
	sgEmergency    = []string{"164.312(a)(2)(ii)"}
)

// evaluator computes the findings of one check on a snapshot.
type evaluator func(c check.Check, s *Snapshot, target string, opts Options) []check.Finding

// entry pairs a check's descriptor with its evaluator.
type entry = check.Rule[evaluator]

func def(id, title string, sev check.Severity, sg []string, why, fix string, ev evaluator) entry {
	return entry{
		Check: check.Check{ID: id, Kind: Kind, Title: title, Rationale: why, Remediation: fix,
			Severity: sev, Safeguards: sg},
		Eval: ev,
	}
}

// Checks returns every PostgreSQL check (check.Check with Kind "postgres").
func Checks() []check.Check { return check.Descriptors(table) }

// table lists every check in report order; the rationale cites the
// safeguard, the remediation is what an administrator runs.
var table = append(slices.Clip(baseTable), tenancyTable...)

// baseTable lists the checks of settings, hba rules and roles.
var baseTable = []entry{
	// Transmission security, 164.312(e).
	def("postgres.ssl.enabled", "TLS is enabled on the server", check.High, sgTransmission,
		"Without ssl = on no client can encrypt its session, so ePHI crosses the network in "+
			"clear text (164.312(e)(1), (e)(2)(ii)).",
		"Install a certificate and key, set ssl = on in postgresql.conf and reload.",
		settingEval(sslOn)),
	def("postgres.ssl.min-protocol", "TLS 1.2 or newer is required", check.Medium, sgTransmission,
		"TLS 1.0 and 1.1 lack modern integrity protection; NIST SP 800-52r2 3.1 requires "+
			"TLS 1.2 or newer (164.312(e)(2)(i)).",
		"Set ssl_min_protocol_version = 'TLSv1.2' (or TLSv1.3) and reload.",
		settingEval(minTLS)),
	def("postgres.hba.remote-plaintext", "Remote connections cannot skip TLS", check.High,
		sgTransmission,
		"A host or hostnossl rule that accepts remote clients lets them connect without TLS: "+
			"passwords and ePHI then travel in clear text (164.312(e)(1)). The first "+
			"matching rule wins, so such a line also defeats a later hostnossl reject.",
		"Use hostssl for every remote rule and end the file with "+
			"`hostnossl all all all reject`; remove or narrow host lines above it.",
		evalRemotePlaintext),

	// Person or entity authentication, 164.312(d).
	def("postgres.hba.no-trust", "No remote rule uses trust", check.High, sgAuth,
		"trust lets anyone who can reach the port log in as any role named by the rule "+
			"without proving who they are (164.312(d)).",
		"Replace trust with scram-sha-256 or cert on every host* line.",
		evalHBAMethod("trust")),
	def("postgres.hba.no-password-methods", "No remote rule uses password or md5",
		check.Medium, sgAuth,
		"password sends the secret in clear text; md5 relies on a broken hash and accepts "+
			"a stolen hash as the password (164.312(d)).",
		"Use scram-sha-256 (after re-setting every password under "+
			"password_encryption = scram-sha-256) or cert.",
		evalHBAMethod("password", "md5")),
	def("postgres.password.encryption", "New passwords are stored as SCRAM-SHA-256",
		check.Medium, sgAuth,
		"password_encryption decides how the next password set is hashed; md5 hashes are "+
			"password-equivalent (164.312(d)).",
		"Set password_encryption = 'scram-sha-256' and remove overrides that lower it.",
		settingEval(scramEncryption)),
	def("postgres.password.md5-hashes", "No role holds an MD5 password hash", check.Medium,
		sgAuth,
		"An MD5 hash stored in pg_authid works as the password for md5 authentication "+
			"and is weak against offline guessing (164.312(d)).",
		"Set password_encryption = 'scram-sha-256' and have each listed role set its "+
			"password again (\\password in psql).",
		evalMD5Hashes),

	// Unique user identification and access control, 164.312(a).
	def("postgres.roles.login-superuser", "Only the bootstrap superuser is a login superuser",
		check.Medium, sgAccessUnique,
		"People who work as superuser bypass every permission and audit boundary; each "+
			"person should log in as their own least-privilege role (164.312(a)(2)(i)).",
		"ALTER ROLE name NOSUPERUSER, and grant the specific privileges the person needs.",
		evalLoginSuperusers),
	def("postgres.roles.generic-login", "No login role has a generic or shared name",
		check.Medium, sgUnique,
		"A login named after a job, a team or a purpose (frontdesk, admin, test) is usually "+
			"shared, so logs cannot tell who acted (164.312(a)(2)(i)).",
		"Give every person their own login role; make shared roles NOLOGIN groups and "+
			"grant them to the individual roles.",
		evalGenericLogins),
	def("postgres.roles.remote-superuser", "No superuser can log in from the network",
		check.High, sgAccessUnique,
		"A superuser reachable from remote addresses turns one stolen password into full "+
			"control of every ePHI table (164.312(a)(1)).",
		"Add `hostssl all <superuser> 0.0.0.0/0 reject` (and ::/0) above the broad "+
			"rules, or narrow the rules' user column to non-superuser roles.",
		evalRemoteSuperusers),
	def("postgres.roles.bypassrls", "No ordinary role bypasses row-level security",
		check.Medium, sgAccessUnique,
		"BYPASSRLS lets a role read every row of tables protected by policies, around the "+
			"access rules that limit ePHI to those who need it (164.312(a)(1)).",
		"ALTER ROLE name NOBYPASSRLS.",
		evalBypassRLS),

	// Automatic logoff, 164.312(a)(2)(iii).
	def("postgres.timeout.idle-session", "Idle sessions are ended", check.Medium, sgLogoff,
		"idle_session_timeout ends sessions left open on unattended workstations "+
			"(164.312(a)(2)(iii)).",
		"Set idle_session_timeout (for example '15min') and remove overrides that set it to 0.",
		settingEval(idleSession)),
	def("postgres.timeout.idle-in-transaction", "Idle transactions are ended", check.Medium,
		sgLogoff,
		"idle_in_transaction_session_timeout ends sessions abandoned inside a transaction, "+
			"which also hold locks and snapshots (164.312(a)(2)(iii)).",
		"Set idle_in_transaction_session_timeout (for example '5min') and remove overrides "+
			"that set it to 0.",
		settingEval(idleInTransaction)),

	// Audit controls, 164.312(b).
	def("postgres.log.connections", "Connections are logged", check.Medium, sgAudit,
		"log_connections records who connected from where (164.312(b)).",
		"Set log_connections = on and remove overrides that switch it off.",
		settingEval(logConnections)),
	def("postgres.log.disconnections", "Disconnections are logged", check.Medium, sgAudit,
		"log_disconnections records when each session ended and how long it lasted "+
			"(164.312(b)).",
		"Set log_disconnections = on and remove overrides that switch it off.",
		settingEval(logDisconnections)),
	def("postgres.log.line-prefix", "Log lines say who, where and when", check.Low, sgAudit,
		"Without user (%u), database (%d), client (%h or %r) and time (%t, %m or %n) on "+
			"every line, log entries cannot be tied to a person (164.312(b)).",
		"Set log_line_prefix = '%m [%p] %q%u@%d %r ' or similar.",
		settingEval(linePrefix)),
	def("postgres.pgaudit.loaded", "pgaudit is loaded", check.Medium, sgAudit,
		"The server log alone does not record which statements read or changed ePHI; "+
			"pgaudit does (164.312(b)).",
		"Install pgaudit, add it to shared_preload_libraries and restart; CREATE EXTENSION "+
			"pgaudit.",
		settingEval(pgauditLoaded)),
	def("postgres.pgaudit.classes", "pgaudit logs reads and writes", check.Medium, sgAudit,
		"Session audit logging of the read and write classes records access to and change "+
			"of ePHI (164.312(b)); an override can switch it off for one role.",
		"Set pgaudit.log = 'read, write, ddl, role' and remove overrides that lower it.",
		settingEval(pgauditClasses)),
	def("postgres.pgaudit.log-parameter", "pgaudit does not copy query values into logs",
		check.Medium, sgAudit,
		"pgaudit.log_parameter writes the bound values of statements, that is ePHI, into "+
			"the server log, which is rarely protected like the database (164.312(b)).",
		"Set pgaudit.log_parameter = off and remove overrides that switch it on.",
		settingEval(pgauditNoParameters)),

	// Integrity, 164.312(c).
	def("postgres.integrity.data-checksums", "Data pages carry checksums", check.Medium,
		sgIntegrity,
		"Page checksums detect silent corruption of stored ePHI (164.312(c)(2)).",
		"Stop the cluster and run pg_checksums --enable, or initdb --data-checksums for "+
			"new clusters.",
		settingEval(dataChecksums)),

	// Emergency access procedure, 164.312(a)(2)(ii).
	def("postgres.break-glass.role", "A break-glass role is ready and watched", check.Medium,
		sgEmergency,
		"An emergency-access role that cannot log in during normal operation, and whose "+
			"every login is logged, gives a controlled way in when normal access fails "+
			"(164.312(a)(2)(ii)).",
		"Create the role NOLOGIN (enable it only in an emergency), ALTER ROLE it SET "+
			"log_connections = on, and declare it as break_glass_role in kollguard.yaml.",
		evalBreakGlass),
}
