package terraform

import (
	"github.com/kollguard/kollguard/internal/check"
)

// awsLoggingRules judge CloudTrail and CloudWatch Logs.
var awsLoggingRules = []rule{
	def("terraform.aws.cloudtrail.log-validation", "CloudTrail validates its log files",
		"Log file validation writes signed digests, so tampering with or deleting the audit "+
			"record can be proven (164.312(b), 164.312(c)(2); NIST SP 800-53 AU-9; CIS AWS "+
			"Foundations 3.2).",
		"Set enable_log_file_validation = true.",
		check.High, sgLogIntegr, []string{"aws_cloudtrail"},
		isTrue("log file validation", false, "enable_log_file_validation")),
	def("terraform.aws.cloudtrail.cmk", "CloudTrail logs are encrypted with a customer-managed key",
		"Trail logs reveal who accessed which ePHI store; SSE-KMS lets you restrict who may "+
			"read them (164.312(a)(2)(iv), 164.312(b); NIST SP 800-53 AU-9; CIS AWS "+
			"Foundations 3.7).",
		"Set kms_key_id to an aws_kms_key whose policy allows CloudTrail to encrypt.",
		check.Medium, sgs(sgEncrypt, sgAudit), []string{"aws_cloudtrail"},
		isSet("kms_key_id", "kms_key_id")),
	def("terraform.aws.cloudtrail.multi-region", "CloudTrail records every region",
		"A single-region trail misses activity in every other region, where ePHI can be "+
			"copied unseen (164.312(b); NIST SP 800-53 AU-2; CIS AWS Foundations 3.1).",
		"Set is_multi_region_trail = true.",
		check.Medium, sgAudit, []string{"aws_cloudtrail"},
		isTrue("multi-region recording", false, "is_multi_region_trail")),
	def("terraform.aws.cloudtrail.logging", "CloudTrail logging is on",
		"A trail with enable_logging = false records nothing (164.312(b)).",
		"Remove enable_logging = false.",
		check.High, sgAudit, []string{"aws_cloudtrail"},
		isTrue("logging", true, "enable_logging")),
	def("terraform.aws.cloudtrail.cloudwatch", "CloudTrail delivers to CloudWatch Logs",
		"Delivering events to CloudWatch Logs allows the near-real-time alarms and regular "+
			"review of activity that 164.308(a)(1)(ii)(D) asks for (NIST SP 800-53 AU-6; "+
			"CIS AWS Foundations 3.4).",
		"Set cloud_watch_logs_group_arn and cloud_watch_logs_role_arn.",
		check.Low, sgReview, []string{"aws_cloudtrail"},
		isSet("cloud_watch_logs_group_arn", "cloud_watch_logs_group_arn")),
	def("terraform.aws.cloudtrail.s3-data-events", "CloudTrail records S3 object access",
		"Management events do not show who read which object; data events on S3 record "+
			"every GetObject and PutObject on buckets holding ePHI (164.312(b); NIST SP "+
			"800-53 AU-2; CIS AWS Foundations 3.10/3.11).",
		"Add an event_selector with data_resource { type = \"AWS::S3::Object\" } or an "+
			"advanced_event_selector for the Data event category.",
		check.Medium, sgAudit, []string{"aws_cloudtrail"}, judgeDataEvents),
	def("terraform.aws.cloudwatch.log-retention",
		"CloudWatch log groups keep logs for a year or more",
		"Audit logs must outlive the incidents they help investigate; retention below "+
			"365 days (0 means forever) loses them (164.312(b); NIST SP 800-53 AU-11).",
		"Set retention_in_days to 365 or more, or leave it unset to keep logs forever.",
		check.Medium, sgAudit, []string{"aws_cloudwatch_log_group"}, judgeRetention),
	def("terraform.aws.cloudwatch.log-cmk", "CloudWatch log groups use a customer-managed key",
		"Application logs leak ePHI more often than intended; a customer-managed key lets "+
			"you control who can read them (164.312(a)(2)(iv); NIST SP 800-53 SC-28).",
		"Set kms_key_id to an aws_kms_key whose policy allows CloudWatch Logs.",
		check.Low, sgEncrypt, []string{"aws_cloudwatch_log_group"},
		isSet("kms_key_id", "kms_key_id")),
	def("terraform.aws.vpc.flow-logs", "VPCs have flow logs",
		"Flow logs record which addresses talked to the database and application subnets "+
			"(164.312(b); NIST SP 800-53 AU-12; CIS AWS Foundations 3.9).",
		"Add an aws_flow_log whose vpc_id references the VPC.",
		check.Low, sgAudit, []string{"aws_vpc"}, judgeFlowLogs),
}

func judgeDataEvents(_ *index, r *Resource) verdict {
	for _, sel := range r.get("event_selector").items() {
		for _, dr := range walk(sel, "data_resource").items() {
			t := walk(dr, "type")
			if t.unknown {
				return unsure(t, "data_resource type")
			}
			if s, _ := t.text(); s == "AWS::S3::Object" {
				return pass("S3 object-level data events are recorded")
			}
		}
	}
	for _, sel := range r.get("advanced_event_selector").items() {
		for _, fs := range walk(sel, "field_selector").items() {
			f, _ := walk(fs, "field").text()
			eq := walk(fs, "equals")
			if f == "eventCategory" && hasString(strs(eq.v), "Data") {
				return pass("data events are recorded by an advanced event selector")
			}
		}
	}
	return fail("no event selector records S3 object-level data events")
}

func judgeRetention(_ *index, r *Resource) verdict {
	v := r.get("retention_in_days")
	if v.unknown {
		return unsure(v, "retention_in_days")
	}
	n, ok := v.number()
	if !v.set || (ok && n == 0) {
		return pass("logs are kept forever")
	}
	if ok && n >= 365 {
		return pass("logs are kept %g days", n).with("retention_in_days", n)
	}
	return fail("logs are kept only %v days", v.v).with("retention_in_days", v.v)
}

func judgeFlowLogs(x *index, r *Resource) verdict {
	if logs := x.companions(r, "aws_flow_log", "vpc_id"); len(logs) > 0 {
		return pass("flow logs by %s", logs[0].Address)
	}
	return fail("no aws_flow_log references the VPC")
}
