package terraform

import (
	"strconv"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

var rdsTypes = []string{"aws_db_instance", "aws_rds_cluster"}

// awsDatabaseRules judge RDS, Aurora and ElastiCache.
var awsDatabaseRules = []rule{
	def("terraform.aws.rds.encrypted", "RDS storage is encrypted",
		"Without storage_encrypted an RDS instance or Aurora cluster keeps ePHI, its "+
			"backups, snapshots and replicas in plaintext at rest (164.312(a)(2)(iv); NIST SP "+
			"800-53 SC-28; CIS AWS Foundations 2.3.1).",
		"Set storage_encrypted = true and kms_key_id (encryption can only be chosen when "+
			"the database is created: restore from an encrypted snapshot copy).",
		check.Critical, sgEncrypt, rdsTypes,
		isTrue("storage encryption (storage_encrypted)", false, "storage_encrypted")),
	def("terraform.aws.rds.cmk", "RDS storage uses a customer-managed KMS key",
		"Without kms_key_id RDS uses the AWS-managed aws/rds key, whose use you cannot "+
			"restrict or revoke (164.312(a)(2)(iv); NIST SP 800-53 SC-12).",
		"Set kms_key_id to an aws_kms_key you manage.",
		check.Medium, sgEncrypt, rdsTypes, isSet("kms_key_id", "kms_key_id")),
	def("terraform.aws.rds.public", "RDS instances are not publicly accessible",
		"A publicly accessible instance gets a public DNS name and address: the database "+
			"holding ePHI is one password away from the internet (164.312(a)(1); CIS AWS "+
			"Foundations 2.3.3).",
		"Set publicly_accessible = false and reach the database through a private subnet.",
		check.Critical, sgAccess, []string{"aws_db_instance"},
		isFalse("public accessibility (publicly_accessible)", false, "publicly_accessible")),
	def("terraform.aws.rds.iam-auth", "RDS accepts IAM database authentication",
		"IAM authentication ties each database login to a person or role with short-lived "+
			"tokens instead of shared static passwords (164.312(d), 164.312(a)(2)(i); NIST "+
			"SP 800-53 IA-2).",
		"Set iam_database_authentication_enabled = true and grant rds_iam to the users "+
			"that should log in through IAM.",
		check.Medium, sgAuth, rdsTypes, judgeIAMAuth),
	def("terraform.aws.rds.backup-retention", "RDS keeps automated backups for at least 7 days",
		"Automated backups and point-in-time restore are the retrievable exact copies the "+
			"data backup plan requires; the default retention is a single day "+
			"(164.308(a)(7)(ii)(A); NIST SP 800-53 CP-9).",
		"Set backup_retention_period to 7 or more (up to 35).",
		check.Medium, sgBackup, rdsTypes,
		atLeast("backup_retention_period", 7, 1, "backup_retention_period")),
	def("terraform.aws.rds.force-ssl", "RDS refuses connections without TLS",
		"Unless rds.force_ssl (PostgreSQL) or require_secure_transport (MySQL, MariaDB) is "+
			"on, clients may send ePHI and passwords in plaintext (164.312(e)(1), "+
			"164.312(e)(2)(ii); NIST SP 800-52r2 section 3.1). RDS for PostgreSQL 15 and "+
			"later turns rds.force_ssl on by default.",
		"Use a parameter group with rds.force_ssl = 1 (PostgreSQL) or "+
			"require_secure_transport = ON (MySQL, MariaDB) and reference it from the database.",
		check.High, sgTransit, rdsTypes, judgeForceSSL),
	def("terraform.aws.rds.log-exports", "RDS exports its logs to CloudWatch",
		"Database logs left on the instance rotate away within days; exporting them keeps "+
			"the activity record 164.312(b) requires where it can be retained and reviewed "+
			"(NIST SP 800-53 AU-4, AU-6).",
		"Set enabled_cloudwatch_logs_exports, for example [\"postgresql\"] or "+
			"[\"audit\", \"error\"].",
		check.Medium, sgReview, rdsTypes, judgeLogExports),
	def("terraform.aws.rds.deletion-protection", "RDS deletion protection is on",
		"Deletion protection stops one mistaken apply or API call from destroying the "+
			"database of record (164.312(c)(1); NIST SP 800-53 CP-9).",
		"Set deletion_protection = true.",
		check.Low, sgIntegrity, rdsTypes,
		isTrue("deletion protection (deletion_protection)", false, "deletion_protection")),
	def("terraform.aws.elasticache.transit-encryption", "ElastiCache encrypts in transit",
		"Cached sessions and query results carry ePHI; without in-transit encryption they "+
			"cross the network in plaintext (164.312(e)(1); NIST SP 800-53 SC-8).",
		"Set transit_encryption_enabled = true on aws_elasticache_replication_group.",
		check.High, sgTransit, []string{"aws_elasticache_replication_group"},
		isTrue("in-transit encryption", false, "transit_encryption_enabled")),
	def("terraform.aws.elasticache.at-rest-encryption", "ElastiCache encrypts at rest",
		"Snapshots and swap of an unencrypted cache hold ePHI in plaintext "+
			"(164.312(a)(2)(iv); NIST SP 800-53 SC-28).",
		"Set at_rest_encryption_enabled = true and kms_key_id.",
		check.Medium, sgEncrypt, []string{"aws_elasticache_replication_group"},
		isTrue("at-rest encryption", false, "at_rest_encryption_enabled")),
}

func engineOf(r *Resource) (string, val) {
	e := r.get("engine")
	s, _ := e.text()
	return strings.ToLower(s), e
}

func judgeIAMAuth(x *index, r *Resource) verdict {
	engine, ev := engineOf(r)
	if ev.unknown {
		return unsure(ev, "engine")
	}
	supported := strings.Contains(engine, "postgres") || strings.Contains(engine, "mysql") ||
		strings.Contains(engine, "mariadb")
	if engine != "" && !supported {
		return notApplicable
	}
	return isTrue("IAM database authentication", false, "iam_database_authentication_enabled")(x, r)
}

func judgeLogExports(_ *index, r *Resource) verdict {
	v := r.get("enabled_cloudwatch_logs_exports")
	if v.unknown {
		return unsure(v, "enabled_cloudwatch_logs_exports")
	}
	if v.empty() {
		return fail("no logs are exported to CloudWatch")
	}
	return pass("logs exported: %v", v.v).with("exports", v.v)
}

// judgeForceSSL follows the database's parameter group reference.
func judgeForceSSL(x *index, r *Resource) verdict {
	engine, ev := engineOf(r)
	if ev.unknown {
		return unsure(ev, "engine")
	}
	attr, groupType := "parameter_group_name", "aws_db_parameter_group"
	if r.Type == "aws_rds_cluster" {
		attr, groupType = "db_cluster_parameter_group_name", "aws_rds_cluster_parameter_group"
	}
	param, on := "rds.force_ssl", "1"
	if !strings.Contains(engine, "postgres") {
		param, on = "require_secure_transport", "on"
	}
	groups := x.referenced(r, attr, groupType)
	for _, g := range groups {
		for _, p := range g.get("parameter").items() {
			if n, _ := walk(p, "name").text(); n != param {
				continue
			}
			pv := walk(p, "value")
			if pv.unknown {
				return unsure(pv, param)
			}
			if s, _ := pv.text(); strings.EqualFold(s, on) || (on == "on" && s == "1") {
				return pass("%s sets %s = %s", g.Address, param, s)
			}
			s, _ := pv.text()
			return fail("%s sets %s = %s", g.Address, param, s).with(param, s)
		}
	}
	gv := r.get(attr)
	if len(groups) == 0 && gv.unknown && len(gv.from) == 0 {
		return unsure(gv, attr)
	}
	if param == "rds.force_ssl" && postgresMajor(r) >= 15 {
		return pass("PostgreSQL %d turns rds.force_ssl on by default", postgresMajor(r))
	}
	return fail("%s is not turned on by a parameter group", param)
}

// postgresMajor returns the major version of a PostgreSQL engine_version,
// or 0 when it is not known.
func postgresMajor(r *Resource) int {
	s, _ := r.get("engine_version").text()
	major, _, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(major)
	return n
}
