package terraform

import (
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// awsStorageRules judge S3 buckets, KMS keys, EBS, EFS and DynamoDB.
var awsStorageRules = []rule{
	def("terraform.aws.s3.cmk", "S3 buckets are encrypted with a customer-managed KMS key",
		"Since January 2023 S3 encrypts every new object with SSE-S3, so a bucket is never "+
			"stored in plaintext; but only a customer-managed KMS key lets you control, audit "+
			"and revoke decryption of ePHI (164.312(a)(2)(iv); NIST SP 800-53 SC-12, SC-28; "+
			"CIS AWS Foundations 2.1.1).",
		"Add an aws_s3_bucket_server_side_encryption_configuration whose bucket references "+
			"the bucket, with sse_algorithm = \"aws:kms\" and kms_master_key_id set to an "+
			"aws_kms_key you manage.",
		check.High, sgEncrypt, []string{"aws_s3_bucket"}, judgeS3CMK),
	def("terraform.aws.s3.versioning", "S3 buckets keep object versions",
		"Versioning keeps every overwritten or deleted object recoverable, protecting ePHI "+
			"from improper alteration or destruction (164.312(c)(1)) and backing the data "+
			"backup plan (164.308(a)(7)(ii)(A); NIST SP 800-53 CP-9).",
		"Add an aws_s3_bucket_versioning referencing the bucket with "+
			"versioning_configuration { status = \"Enabled\" }.",
		check.Medium, sgs(sgIntegrity, sgBackup), []string{"aws_s3_bucket"}, judgeS3Versioning),
	def("terraform.aws.s3.access-logging", "S3 buckets log access requests",
		"Server access logs record who read or changed which object, the activity record "+
			"164.312(b) requires (NIST SP 800-53 AU-2, AU-12).",
		"Add an aws_s3_bucket_logging referencing the bucket, with a target_bucket "+
			"dedicated to logs.",
		check.Medium, sgAudit, []string{"aws_s3_bucket"}, judgeS3Logging),
	def("terraform.aws.s3.public-access-block", "S3 public access blocks are not weakened",
		"New buckets block public ACLs and policies by default since April 2023; a public "+
			"access block resource that turns any of its four settings off re-opens the "+
			"bucket to public grants (164.312(a)(1); CIS AWS Foundations, S3 Block Public Access).",
		"Set block_public_acls, block_public_policy, ignore_public_acls and "+
			"restrict_public_buckets to true in the bucket's aws_s3_bucket_public_access_block.",
		check.High, sgAccess, []string{"aws_s3_bucket"}, judgeS3PublicBlock),
	def("terraform.aws.s3.public-acl", "S3 buckets have no public canned ACL",
		"A public-read, public-read-write or authenticated-read ACL lets anyone (or any AWS "+
			"account) read the bucket: ePHI open to the world (164.312(a)(1)).",
		"Remove the acl argument (or the aws_s3_bucket_acl) or set it to \"private\"; "+
			"grant access through IAM policies instead.",
		check.Critical, sgAccess, []string{"aws_s3_bucket"}, judgeS3ACL),
	def("terraform.aws.s3.https-only", "S3 bucket policies deny requests without TLS",
		"S3 accepts plain HTTP unless the bucket policy denies requests whose "+
			"aws:SecureTransport is false (164.312(e)(1); NIST SP 800-53 SC-8; CIS AWS "+
			"Foundations 2.1.2).",
		"Add an aws_s3_bucket_policy with a Deny statement for all principals and actions "+
			"on the bucket when aws:SecureTransport is \"false\".",
		check.High, sgTransit, []string{"aws_s3_bucket"}, judgeS3TLS),
	def("terraform.aws.kms.rotation", "KMS keys rotate automatically",
		"Automatic rotation limits how much ePHI one key version protects and how long a "+
			"leaked version stays useful (164.312(a)(2)(iv); NIST SP 800-57 part 1 section "+
			"5.3; CIS AWS Foundations 3.8).",
		"Set enable_key_rotation = true on symmetric aws_kms_key resources.",
		check.Medium, sgEncrypt, []string{"aws_kms_key"}, judgeKMSRotation),
	def("terraform.aws.kms.policy-public", "KMS key policies do not allow everyone",
		"A key policy that allows Principal \"*\" without a condition lets any AWS "+
			"principal use or manage the key, and so decrypt the ePHI it protects "+
			"(164.312(a)(1), 164.312(a)(2)(iv); NIST SP 800-53 AC-6).",
		"Name the account, roles or services that may use the key, or restrict \"*\" with "+
			"a condition such as kms:CallerAccount or aws:PrincipalOrgID.",
		check.Critical, sgs(sgAccess, sgEncrypt), []string{"aws_kms_key"}, judgeKMSPolicy),
	def("terraform.aws.ebs.encrypted", "EBS volumes are encrypted",
		"An unencrypted volume keeps ePHI in plaintext on disk and in its snapshots "+
			"(164.312(a)(2)(iv); NIST SP 800-53 SC-28; CIS AWS Foundations 2.2.1).",
		"Set encrypted = true (and kms_key_id) on aws_ebs_volume.",
		check.High, sgEncrypt, []string{"aws_ebs_volume"},
		isTrue("volume encryption (encrypted)", false, "encrypted")),
	def("terraform.aws.ebs.cmk", "EBS volumes use a customer-managed KMS key",
		"Without kms_key_id a volume uses the AWS-managed aws/ebs key, whose use you "+
			"cannot restrict or revoke (164.312(a)(2)(iv); NIST SP 800-53 SC-12).",
		"Set kms_key_id to an aws_kms_key you manage.",
		check.Medium, sgEncrypt, []string{"aws_ebs_volume"}, isSet("kms_key_id", "kms_key_id")),
	def("terraform.aws.efs.encrypted", "EFS file systems are encrypted with a customer-managed key",
		"An unencrypted file system keeps ePHI in plaintext at rest (164.312(a)(2)(iv); "+
			"NIST SP 800-53 SC-28; CIS AWS Foundations 2.4.1).",
		"Set encrypted = true and kms_key_id on aws_efs_file_system.",
		check.High, sgEncrypt, []string{"aws_efs_file_system"},
		allOf(isTrue("encryption (encrypted)", false, "encrypted"),
			isSet("kms_key_id", "kms_key_id"))),
	def("terraform.aws.dynamodb.cmk", "DynamoDB tables use a customer-managed KMS key",
		"By default DynamoDB encrypts with an AWS-owned key that you can neither audit nor "+
			"revoke (164.312(a)(2)(iv); NIST SP 800-53 SC-12).",
		"Add server_side_encryption { enabled = true, kms_key_arn = aws_kms_key.x.arn }.",
		check.Medium, sgEncrypt, []string{"aws_dynamodb_table"},
		allOf(isTrue("server_side_encryption.enabled", false,
			"server_side_encryption", 0, "enabled"),
			isSet("server_side_encryption.kms_key_arn",
				"server_side_encryption", 0, "kms_key_arn"))),
	def("terraform.aws.dynamodb.pitr", "DynamoDB tables have point-in-time recovery",
		"Point-in-time recovery restores a table to any second of the last 35 days, the "+
			"retrievable exact copy the backup plan requires (164.308(a)(7)(ii)(A); NIST SP "+
			"800-53 CP-9).",
		"Add point_in_time_recovery { enabled = true }.",
		check.Medium, sgBackup, []string{"aws_dynamodb_table"},
		isTrue("point-in-time recovery", false, "point_in_time_recovery", 0, "enabled")),
	def("terraform.aws.sqs.cmk", "SQS queues use a customer-managed KMS key",
		"Messages between clinical systems often carry ePHI; SQS-managed encryption uses a "+
			"key you cannot audit or revoke (164.312(a)(2)(iv); NIST SP 800-53 SC-28).",
		"Set kms_master_key_id to an aws_kms_key you manage.",
		check.Medium, sgEncrypt, []string{"aws_sqs_queue", "aws_sns_topic"},
		isSet("kms_master_key_id", "kms_master_key_id")),
}

// sseDefaults returns the default-encryption blocks that apply to bucket b:
// from companion configurations first, then the inline legacy block.
func sseDefaults(x *index, b *Resource) []val {
	var out []val
	const sse = "aws_s3_bucket_server_side_encryption_configuration"
	for _, c := range x.companions(b, sse, "bucket") {
		out = append(out, rulesDefaults(c.get("rule"))...)
	}
	if len(out) == 0 {
		out = rulesDefaults(b.get("server_side_encryption_configuration", 0, "rule"))
	}
	return out
}

func rulesDefaults(rules val) []val {
	if rules.unknown {
		return []val{rules}
	}
	var out []val
	for _, r := range rules.items() {
		out = append(out, walk(r, "apply_server_side_encryption_by_default", 0))
	}
	return out
}

func judgeS3CMK(x *index, b *Resource) verdict {
	defaults := sseDefaults(x, b)
	if len(defaults) == 0 {
		return fail("no default encryption is configured: S3 encrypts with SSE-S3, " +
			"a key Amazon manages, not a customer-managed key")
	}
	for _, d := range defaults {
		if d.unknown {
			return unsure(d, "the bucket's default encryption")
		}
		alg := walk(d.v, "sse_algorithm")
		if alg.unknown {
			return unsure(alg, "sse_algorithm")
		}
		s, _ := alg.text()
		if !strings.HasPrefix(s, "aws:kms") {
			return fail("default encryption is %s, a key Amazon manages", orNone(s)).
				with("sse_algorithm", s)
		}
		key := walk(d.v, "kms_master_key_id")
		if key.empty() {
			return fail("default encryption is %s with the AWS-managed aws/s3 key "+
				"(kms_master_key_id is not set)", s)
		}
		if v := judgeSet(key, "kms_master_key_id"); v.status != check.Pass {
			return v
		}
	}
	return pass("default encryption uses a customer-managed KMS key")
}

func orNone(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

func judgeS3Versioning(x *index, b *Resource) verdict {
	for _, c := range x.companions(b, "aws_s3_bucket_versioning", "bucket") {
		st := c.get("versioning_configuration", 0, "status")
		if st.unknown {
			return unsure(st, "versioning status")
		}
		if s, _ := st.text(); s == "Enabled" {
			return pass("versioning is enabled by %s", c.Address)
		}
		return fail("%s sets versioning to %v", c.Address, st.v)
	}
	inline := b.get("versioning", 0, "enabled")
	if inline.set {
		return isTrue("versioning", false, "versioning", 0, "enabled")(x, b)
	}
	return fail("no aws_s3_bucket_versioning references the bucket")
}

func judgeS3Logging(x *index, b *Resource) verdict {
	for _, c := range x.companions(b, "aws_s3_bucket_logging", "bucket") {
		return judgeSet(c.get("target_bucket"), "access logging target_bucket of "+c.Address)
	}
	if b.get("logging").set {
		return judgeSet(b.get("logging", 0, "target_bucket"), "logging target_bucket")
	}
	return fail("no aws_s3_bucket_logging references the bucket")
}

var publicBlockArgs = []string{"block_public_acls", "block_public_policy",
	"ignore_public_acls", "restrict_public_buckets"}

func judgeS3PublicBlock(x *index, b *Resource) verdict {
	blocks := x.companions(b, "aws_s3_bucket_public_access_block", "bucket")
	if len(blocks) == 0 {
		return pass("no public access block overrides the default, which blocks public access")
	}
	for _, c := range blocks {
		for _, arg := range publicBlockArgs {
			if v := isTrue(arg, false, arg)(x, c); v.status != check.Pass {
				v.msg = c.Address + ": " + v.msg
				return v
			}
		}
	}
	return pass("public access is blocked on all four settings")
}

var publicACLs = among("public-read", "public-read-write", "authenticated-read")

func judgeS3ACL(x *index, b *Resource) verdict {
	acls := []val{b.get("acl")}
	for _, c := range x.companions(b, "aws_s3_bucket_acl", "bucket") {
		acls = append(acls, c.get("acl"))
	}
	for _, a := range acls {
		if a.unknown {
			return unsure(a, "the bucket ACL")
		}
		if s, _ := a.text(); publicACLs(s) {
			return fail("the bucket ACL is %s", s).with("acl", s)
		}
	}
	return pass("no public canned ACL")
}

func judgeS3TLS(x *index, b *Resource) verdict {
	policies := x.companions(b, "aws_s3_bucket_policy", "bucket")
	if len(policies) == 0 {
		return fail("no bucket policy denies requests without TLS")
	}
	for _, p := range policies {
		pv := p.get("policy")
		if pv.unknown {
			return unsure(pv, "the bucket policy")
		}
		text, _ := pv.text()
		stmts, _ := parsePolicy(text)
		for _, s := range stmts {
			if deniesPlaintext(s) {
				return pass("%s denies requests without TLS", p.Address)
			}
		}
	}
	return fail("the bucket policy does not deny requests where aws:SecureTransport is false")
}

// deniesPlaintext reports whether s denies requests made without TLS.
func deniesPlaintext(s statement) bool {
	if s.Effect != "Deny" {
		return false
	}
	for _, c := range s.Conditions {
		secure := strings.EqualFold(c.Variable, "aws:SecureTransport") &&
			strings.EqualFold(c.Test, "Bool")
		if secure && len(c.Values) == 1 && strings.EqualFold(c.Values[0], "false") {
			return true
		}
	}
	return false
}

func judgeKMSRotation(x *index, k *Resource) verdict {
	spec := k.get("customer_master_key_spec")
	if spec.unknown {
		return unsure(spec, "customer_master_key_spec")
	}
	if s, _ := spec.text(); s != "" && s != "SYMMETRIC_DEFAULT" {
		return notApplicable
	}
	return isTrue("automatic key rotation (enable_key_rotation)", false,
		"enable_key_rotation")(x, k)
}

func judgeKMSPolicy(x *index, k *Resource) verdict {
	policies := []val{k.get("policy")}
	for _, c := range x.companions(k, "aws_kms_key_policy", "key_id") {
		policies = append(policies, c.get("policy"))
	}
	for _, p := range policies {
		if p.unknown {
			return unsure(p, "the key policy")
		}
		text, _ := p.text()
		stmts, _ := parsePolicy(text)
		for _, s := range stmts {
			if s.Effect == "Allow" && len(s.Conditions) == 0 && hasString(s.Principals, "*") {
				return fail("the key policy allows every principal (\"*\") without a condition")
			}
		}
	}
	return pass("the key policy allows no unconditioned public principal")
}

func hasString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
