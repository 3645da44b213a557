package terraform

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kollguard/kollguard/internal/check"
)

// maxSession is the longest session the checks accept before a login must
// be repeated: a working shift.
const maxSession = 8 * time.Hour

var iamPolicyTypes = []string{"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy",
	"aws_iam_group_policy"}

// awsIdentityRules judge IAM, IAM Identity Center and Cognito.
var awsIdentityRules = []rule{
	def("terraform.aws.iam.wildcard", "IAM policies grant no wildcard actions on all resources",
		"A policy allowing \"*\" or \"service:*\" on Resource \"*\" gives full control of "+
			"every ePHI store the service holds, defeating least privilege (164.312(a)(1), "+
			"164.308(a)(4)(ii)(B); NIST SP 800-53 AC-6; CIS AWS Foundations 1.16).",
		"List the actions and resource ARNs the principal needs.",
		check.High, []string{"164.312(a)(1)", "164.308(a)(4)(ii)(B)"}, iamPolicyTypes,
		judgeWildcard),
	def("terraform.aws.iam.password-policy",
		"The IAM password policy demands long, unrepeated passwords",
		"Passwords of 14 or more characters, not reused within 24 changes, are the minimum "+
			"for console users (164.312(d), 164.308(a)(5)(ii)(D); CIS AWS Foundations "+
			"1.8 and 1.9; NIST SP 800-63B section 5.1.1).",
		"Set minimum_password_length = 14 (or more) and password_reuse_prevention = 24.",
		check.Medium, sgPassword, []string{"aws_iam_account_password_policy"},
		allOf(atLeast("minimum_password_length", 14, 6, "minimum_password_length"),
			atLeast("password_reuse_prevention", 24, 0, "password_reuse_prevention"))),
	def("terraform.aws.cognito.mfa", "Cognito user pools require MFA",
		"Patients and staff who sign in to portals holding ePHI must prove who they are "+
			"with more than a password (164.312(d); NIST SP 800-63B AAL2).",
		"Set mfa_configuration = \"ON\" with software_token_mfa_configuration enabled.",
		check.High, sgAuth, []string{"aws_cognito_user_pool"},
		oneOf("mfa_configuration", among("ON"), "OFF", "mfa_configuration")),
	def("terraform.aws.sso.session-duration", "IAM Identity Center sessions last at most 8 hours",
		"Automatic logoff ends sessions left open on shared clinic workstations "+
			"(164.312(a)(2)(iii); NIST SP 800-53 AC-12).",
		"Set session_duration to PT8H or less (the default is PT1H).",
		check.Medium, sgLogoff, []string{"aws_ssoadmin_permission_set"}, judgeSSOSession),
	def("terraform.aws.iam.role-session-duration", "IAM roles limit sessions to 8 hours",
		"A role session of up to 12 hours outlives the user's shift (164.312(a)(2)(iii); "+
			"NIST SP 800-53 AC-12).",
		"Set max_session_duration to 28800 seconds or less (the default is 3600).",
		check.Low, sgLogoff, []string{"aws_iam_role"}, judgeRoleSession),
}

func judgeWildcard(_ *index, r *Resource) verdict {
	p := r.get("policy")
	if p.unknown {
		return unsure(p, "the policy document")
	}
	text, _ := p.text()
	stmts, ok := parsePolicy(text)
	if !ok {
		return verdict{status: check.Unknown, msg: "the policy is not a JSON policy document"}
	}
	for _, s := range stmts {
		if s.Effect != "Allow" || s.NotAction || !hasString(s.Resources, "*") {
			continue
		}
		for _, a := range s.Actions {
			if isWildcard(a) {
				return fail("the policy allows %q on every resource", a).with("action", a)
			}
		}
	}
	return pass("no wildcard action is allowed on every resource")
}

var isoDuration = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)

// parseISODuration reads the PT#H#M#S durations Identity Center uses.
func parseISODuration(s string) (time.Duration, bool) {
	m := isoDuration.FindStringSubmatch(strings.ToUpper(s))
	if m == nil || s == "PT" {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d, true
}

func judgeSSOSession(_ *index, r *Resource) verdict {
	v := r.get("session_duration")
	if v.unknown {
		return unsure(v, "session_duration")
	}
	if !v.set {
		return pass("session_duration defaults to PT1H")
	}
	s, _ := v.text()
	d, ok := parseISODuration(s)
	switch {
	case !ok:
		return fail("session_duration %q is not an ISO 8601 duration", s)
	case d > maxSession:
		return fail("sessions last %s, longer than %s", d, maxSession).with("session_duration", s)
	}
	return pass("sessions last %s", d).with("session_duration", s)
}

func judgeRoleSession(_ *index, r *Resource) verdict {
	v := r.get("max_session_duration")
	if v.unknown {
		return unsure(v, "max_session_duration")
	}
	n, ok := v.number()
	if !v.set {
		n, ok = 3600, true
	}
	if !ok {
		return fail("max_session_duration is not a number")
	}
	if time.Duration(n)*time.Second > maxSession {
		return fail("role sessions may last %g seconds", n).with("max_session_duration", n)
	}
	return pass("role sessions last at most %g seconds", n)
}
