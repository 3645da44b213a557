package manifest

import "github.com/kollguard/kollguard/internal/check"

// Kind is the target kind of every check in this package.
const Kind = "kubernetes"

// Safeguard citations the checks are evidence for (45 CFR 164.312).
var (
	sgTransmission = []string{"164.312(e)(1)", "164.312(e)(2)(ii)"}
	sgSecrets      = []string{"164.312(a)(2)(iv)", "164.312(d)"}
	sgAccess       = []string{"164.312(a)(1)"}
	sgEncryption   = []string{"164.312(a)(2)(iv)"}
	sgAudit        = []string{"164.312(b)"}
)

// finding is what a rule says about one object, at one node's line.
type finding struct {
	status check.Status
	line   int
	msg    string
}

// rule pairs a check with its evaluator over one object. An evaluator
// returns nothing for objects it does not judge.
type rule = check.Rule[func(o object) []finding]

func def(id, title string, sev check.Severity, sg []string, why, fix string,
	eval func(object) []finding) rule {
	return rule{Check: check.Check{ID: id, Kind: Kind, Title: title, Rationale: why,
		Remediation: fix, Severity: sev, Safeguards: sg}, Eval: eval}
}

// Checks returns every Kubernetes check.
func Checks() []check.Check { return check.Descriptors(rules) }

// rules lists the checks; the rationale cites the safeguard and the CIS
// Kubernetes Benchmark (v1.9) or NIST item.
var rules = []rule{
	def("kubernetes.ingress.tls", "Ingresses terminate TLS for every host", check.High,
		sgTransmission,
		"An Ingress without a tls section for its hosts serves the service behind it over "+
			"plain HTTP, so ePHI and session cookies cross the network in clear text "+
			"(164.312(e)(1), (e)(2)(ii); NIST SP 800-52r2 3.1).",
		"Add spec.tls with a certificate secret covering every host of spec.rules.",
		evalIngressTLS),
	def("kubernetes.env.literal-secret", "No secret is written as a literal env value",
		check.High, sgSecrets,
		"A password or token written into a manifest's env is readable by everyone with the "+
			"repository or `get` on the workload, cannot be rotated without a deploy, and "+
			"is not encrypted at rest (164.312(a)(2)(iv), (d); CIS Kubernetes 5.4.1).",
		"Move the value into a Secret (ideally synced from a KMS-backed store) and use "+
			"env.valueFrom.secretKeyRef.", evalEnvSecrets),
	def("kubernetes.configmap.secret", "ConfigMaps hold no passwords", check.High, sgSecrets,
		"ConfigMaps are not meant for secrets: they are never encrypted at rest and are "+
			"readable by more roles (164.312(a)(2)(iv), (d); CIS Kubernetes 5.4.1).",
		"Move the password into a Secret and mount or reference it from there.",
		evalConfigMapSecrets),
	def("kubernetes.rbac.wildcard", "RBAC rules grant no wildcard verbs or resources",
		check.Medium, sgAccess,
		"A `*` in verbs or resources grants every current and future permission, including "+
			"reading every Secret, which defeats least privilege (164.312(a)(1); CIS "+
			"Kubernetes 5.1.3).",
		"List the verbs and resources the role needs.", evalRBACWildcard),
	def("kubernetes.rbac.cluster-admin", "cluster-admin is bound to system subjects only",
		check.High, sgAccess,
		"cluster-admin gives unrestricted control of the cluster and every ePHI volume and "+
			"secret in it (164.312(a)(1); CIS Kubernetes 5.1.1).",
		"Bind people and workloads to roles that grant only what they need; keep "+
			"cluster-admin for break-glass use.", evalClusterAdmin),
	def("kubernetes.apiserver.encryption", "The API server encrypts Secrets at rest",
		check.High, sgEncryption,
		"Without --encryption-provider-config, Secrets are stored in etcd in plain text "+
			"(164.312(a)(2)(iv); CIS Kubernetes Benchmark section 1.2, API server).",
		"Write an EncryptionConfiguration using a KMS provider (or aescbc/secretbox) and "+
			"pass it with --encryption-provider-config.", evalAPIServerFlag(flagEncryption)),
	def("kubernetes.apiserver.audit-log", "The API server writes an audit log", check.High,
		sgAudit,
		"Without --audit-log-path the API server records no audit trail of who read or "+
			"changed what (164.312(b); CIS Kubernetes Benchmark section 1.2, API server).",
		"Set --audit-log-path and --audit-policy-file, with retention flags "+
			"(--audit-log-maxage and friends).", evalAPIServerFlag(flagAudit)),
}
