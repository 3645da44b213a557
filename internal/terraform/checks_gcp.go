package terraform

import (
	"strconv"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

var (
	gcpSQL    = []string{"google_sql_database_instance"}
	gcpBucket = []string{"google_storage_bucket"}
)

// gcpRules judge Cloud SQL, Cloud Storage, Cloud KMS, SSL policies,
// audit configuration, disks and BigQuery.
var gcpRules = []rule{
	def("terraform.gcp.sql.require-ssl", "Cloud SQL instances accept only encrypted connections",
		"The default ssl_mode ALLOW_UNENCRYPTED_AND_ENCRYPTED accepts plaintext clients "+
			"(164.312(e)(1), 164.312(e)(2)(ii); CIS GCP 6.4).",
		"Set settings { ip_configuration { ssl_mode = \"ENCRYPTED_ONLY\" } } (or "+
			"TRUSTED_CLIENT_CERTIFICATE_REQUIRED).",
		check.High, sgTransit, gcpSQL, judgeCloudSQLSSL),
	def("terraform.gcp.sql.public-network", "Cloud SQL does not authorize 0.0.0.0/0",
		"An authorized network of 0.0.0.0/0 lets the whole internet try to log in "+
			"(164.312(a)(1); CIS GCP 6.5).",
		"Remove 0.0.0.0/0 from authorized_networks; use private IP or the Cloud SQL proxy.",
		check.Critical, sgAccess, gcpSQL, judgeAuthorizedNetworks),
	def("terraform.gcp.sql.backups", "Cloud SQL automated backups are on",
		"Automated backups are the retrievable exact copies the backup plan requires "+
			"(164.308(a)(7)(ii)(A); CIS GCP 6.7).",
		"Set settings { backup_configuration { enabled = true } }.",
		check.Medium, sgBackup, gcpSQL,
		isTrue("automated backups", false, "settings", 0, "backup_configuration", 0, "enabled")),
	def("terraform.gcp.sql.cmk", "Cloud SQL uses a customer-managed key",
		"Google-managed keys cannot be revoked by you (164.312(a)(2)(iv); NIST SP 800-53 SC-12).",
		"Set encryption_key_name to a Cloud KMS key.",
		check.Medium, sgEncrypt, gcpSQL, isSet("encryption_key_name", "encryption_key_name")),
	def("terraform.gcp.sql.iam-auth", "Cloud SQL accepts IAM database authentication",
		"IAM authentication ties each login to a Google identity instead of a shared "+
			"password (164.312(d), 164.312(a)(2)(i); NIST SP 800-53 IA-2).",
		"Add database_flags { name = \"cloudsql.iam_authentication\" value = \"on\" } "+
			"(cloudsql_iam_authentication for MySQL).",
		check.Medium, sgAuth, gcpSQL, judgeCloudSQLIAM),
	def("terraform.gcp.sql.log-connections", "Cloud SQL for PostgreSQL logs connections",
		"log_connections and log_disconnections record who connected to the ePHI "+
			"database and when (164.312(b); CIS GCP 6.2.2 and 6.2.3).",
		"Add database_flags log_connections = on and log_disconnections = on.",
		check.Medium, sgAudit, gcpSQL, judgeCloudSQLConnLogs),
	def("terraform.gcp.ssl-policy.min-tls", "SSL policies require TLS 1.2+",
		"min_tls_version defaults to TLS_1_0 (164.312(e)(2)(ii); NIST SP 800-52r2 "+
			"section 3.1; CIS GCP 3.9).",
		"Set min_tls_version = \"TLS_1_2\" and profile = \"MODERN\" or \"RESTRICTED\".",
		check.High, sgTLS, []string{"google_compute_ssl_policy"},
		oneOf("min_tls_version", among("TLS_1_2", "TLS_1_3"), "TLS_1_0", "min_tls_version")),
	def("terraform.gcp.https-proxy.ssl-policy", "HTTPS and SSL proxies name an SSL policy",
		"A proxy without ssl_policy uses Google's default, which accepts TLS 1.0 "+
			"(164.312(e)(2)(ii); CIS GCP 3.9).",
		"Set ssl_policy to a google_compute_ssl_policy with min_tls_version TLS_1_2.",
		check.High, sgTLS,
		[]string{"google_compute_target_https_proxy", "google_compute_target_ssl_proxy"},
		isSet("ssl_policy", "ssl_policy")),
	def("terraform.gcp.storage.cmk", "Cloud Storage buckets use a customer-managed key",
		"Google-managed keys cannot be revoked by you (164.312(a)(2)(iv); NIST SP 800-53 SC-12).",
		"Add encryption { default_kms_key_name = google_kms_crypto_key.x.id }.",
		check.Medium, sgEncrypt, gcpBucket,
		isSet("encryption.default_kms_key_name", "encryption", 0, "default_kms_key_name")),
	def("terraform.gcp.storage.uniform-access", "Cloud Storage buckets use uniform access",
		"Object ACLs bypass bucket IAM and are easy to make public by mistake "+
			"(164.312(a)(1); CIS GCP 5.2).",
		"Set uniform_bucket_level_access = true.",
		check.Medium, sgAccess, gcpBucket,
		isTrue("uniform bucket-level access", false, "uniform_bucket_level_access")),
	def("terraform.gcp.storage.versioning", "Cloud Storage buckets keep object versions",
		"Versions keep overwritten or deleted objects recoverable (164.312(c)(1), "+
			"164.308(a)(7)(ii)(A)).",
		"Add versioning { enabled = true }.",
		check.Low, sgs(sgIntegrity, sgBackup), gcpBucket,
		isTrue("versioning", false, "versioning", 0, "enabled")),
	def("terraform.gcp.storage.logging", "Cloud Storage buckets log access",
		"Usage logs record requests to objects holding ePHI (164.312(b)).",
		"Add logging { log_bucket = \"...\" } or enable Data Access audit logs.",
		check.Low, sgAudit, gcpBucket, isSet("logging.log_bucket", "logging", 0, "log_bucket")),
	def("terraform.gcp.storage.public", "Cloud Storage IAM grants nothing to allUsers",
		"A binding for allUsers or allAuthenticatedUsers makes the bucket public "+
			"(164.312(a)(1); CIS GCP 5.1).",
		"Grant roles to named users, groups or service accounts only.",
		check.Critical, sgAccess, []string{"google_storage_bucket_iam_member",
			"google_storage_bucket_iam_binding"}, judgePublicMember),
	def("terraform.gcp.kms.rotation", "Cloud KMS keys rotate at least every 90 days",
		"Without rotation_period a key never rotates (164.312(a)(2)(iv); CIS GCP 1.10; "+
			"NIST SP 800-57 part 1 section 5.3).",
		"Set rotation_period = \"7776000s\" or less.",
		check.Medium, sgEncrypt, []string{"google_kms_crypto_key"}, judgeGCPRotation),
	def("terraform.gcp.audit.data-access", "Data Access audit logs are on",
		"Admin Activity logs do not record reads of ePHI; DATA_READ and DATA_WRITE audit "+
			"logs do (164.312(b); CIS GCP 2.1).",
		"Add audit_log_config blocks with log_type DATA_READ and DATA_WRITE.",
		check.Medium, sgAudit, []string{"google_project_iam_audit_config",
			"google_organization_iam_audit_config", "google_folder_iam_audit_config"},
		judgeAuditConfig),
	def("terraform.gcp.compute.disk-cmk", "Compute disks use a customer-managed key",
		"Google-managed keys cannot be revoked by you (164.312(a)(2)(iv); CIS GCP 4.7).",
		"Add disk_encryption_key { kms_key_self_link = google_kms_crypto_key.x.id }.",
		check.Low, sgEncrypt, []string{"google_compute_disk"},
		isSet("disk_encryption_key.kms_key_self_link",
			"disk_encryption_key", 0, "kms_key_self_link")),
	def("terraform.gcp.bigquery.cmk", "BigQuery datasets use a customer-managed key",
		"Analytics datasets copied from clinical systems hold ePHI (164.312(a)(2)(iv); "+
			"CIS GCP 7.3).",
		"Add default_encryption_configuration { kms_key_name = ... }.",
		check.Low, sgEncrypt, []string{"google_bigquery_dataset"},
		isSet("default_encryption_configuration.kms_key_name",
			"default_encryption_configuration", 0, "kms_key_name")),
}

func judgeCloudSQLSSL(_ *index, r *Resource) verdict {
	ip := r.get("settings", 0, "ip_configuration", 0)
	if ip.unknown {
		return unsure(ip, "ip_configuration")
	}
	mode := walk(ip.v, "ssl_mode")
	if mode.unknown {
		return unsure(mode, "ssl_mode")
	}
	if s, _ := mode.text(); s != "" {
		return judgeOneOf(mode, "ssl_mode",
			among("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"), "")
	}
	if b, _ := walk(ip.v, "require_ssl").boolean(); b {
		return pass("require_ssl is on")
	}
	return fail("ssl_mode is the default ALLOW_UNENCRYPTED_AND_ENCRYPTED")
}

func judgeAuthorizedNetworks(_ *index, r *Resource) verdict {
	nets := r.get("settings", 0, "ip_configuration", 0, "authorized_networks")
	if nets.unknown {
		return unsure(nets, "authorized_networks")
	}
	for _, n := range nets.items() {
		v := walk(n, "value")
		if v.unknown {
			return unsure(v, "authorized network")
		}
		if s, _ := v.text(); s == "0.0.0.0/0" {
			return fail("0.0.0.0/0 is an authorized network")
		}
	}
	return pass("no authorized network is open to the internet")
}

// sqlFlag returns the value of a database flag, and whether it is set.
func sqlFlag(r *Resource, name string) (val, bool) {
	for _, f := range r.get("settings", 0, "database_flags").items() {
		if n, _ := walk(f, "name").text(); n == name {
			return walk(f, "value"), true
		}
	}
	return val{}, false
}

func sqlEngine(r *Resource) (string, val) {
	v := r.get("database_version")
	s, _ := v.text()
	return strings.ToUpper(s), v
}

func judgeCloudSQLIAM(_ *index, r *Resource) verdict {
	engine, ev := sqlEngine(r)
	if ev.unknown {
		return unsure(ev, "database_version")
	}
	flag := "cloudsql.iam_authentication"
	switch {
	case strings.HasPrefix(engine, "MYSQL"):
		flag = "cloudsql_iam_authentication"
	case strings.HasPrefix(engine, "SQLSERVER"):
		return notApplicable
	}
	v, ok := sqlFlag(r, flag)
	if v.unknown {
		return unsure(v, flag)
	}
	if s, _ := v.text(); ok && strings.EqualFold(s, "on") {
		return pass("%s is on", flag)
	}
	return fail("%s is not on", flag)
}

func judgeCloudSQLConnLogs(_ *index, r *Resource) verdict {
	engine, ev := sqlEngine(r)
	if ev.unknown {
		return unsure(ev, "database_version")
	}
	if !strings.HasPrefix(engine, "POSTGRES") {
		return notApplicable
	}
	for _, flag := range []string{"log_connections", "log_disconnections"} {
		v, ok := sqlFlag(r, flag)
		if v.unknown {
			return unsure(v, flag)
		}
		if s, _ := v.text(); !ok || !strings.EqualFold(s, "on") {
			return fail("%s is not on", flag)
		}
	}
	return pass("connections and disconnections are logged")
}

func judgePublicMember(_ *index, r *Resource) verdict {
	members := append(strs(r.get("member").v), strs(r.get("members").v)...)
	for _, k := range []string{"member", "members"} {
		if v := r.get(k); v.unknown {
			return unsure(v, k)
		}
	}
	for _, m := range members {
		if m == "allUsers" || m == "allAuthenticatedUsers" {
			return fail("the bucket is granted to %s", m).with("member", m)
		}
	}
	return pass("no public member")
}

func judgeGCPRotation(_ *index, r *Resource) verdict {
	v := r.get("rotation_period")
	if v.unknown {
		return unsure(v, "rotation_period")
	}
	s, _ := v.text()
	if !v.set || s == "" {
		return fail("the key never rotates (rotation_period is not set)")
	}
	secs, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
	if err != nil {
		return fail("rotation_period %q is not a duration in seconds", s)
	}
	if secs > 90*24*3600 {
		return fail("the key rotates every %g days", secs/86400).with("rotation_period", s)
	}
	return pass("the key rotates every %g days", secs/86400)
}

func judgeAuditConfig(_ *index, r *Resource) verdict {
	seen := map[string]bool{}
	cfg := r.get("audit_log_config")
	if cfg.unknown {
		return unsure(cfg, "audit_log_config")
	}
	for _, c := range cfg.items() {
		t, _ := walk(c, "log_type").text()
		seen[t] = true
	}
	if seen["DATA_READ"] && seen["DATA_WRITE"] {
		return pass("DATA_READ and DATA_WRITE are logged")
	}
	return fail("DATA_READ and DATA_WRITE are not both logged")
}
