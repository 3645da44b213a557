package terraform

import (
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

var listenerTypes = []string{"aws_lb_listener", "aws_alb_listener"}

// awsNetworkRules judge load balancer listeners, CloudFront, API Gateway,
// OpenSearch and security groups.
var awsNetworkRules = []rule{
	def("terraform.aws.elb.https-listener", "Load balancer listeners do not serve plain HTTP",
		"An HTTP listener that forwards instead of redirecting carries logins and ePHI "+
			"in plaintext (164.312(e)(1), 164.312(e)(2)(ii); NIST SP 800-53 SC-8).",
		"Use protocol = \"HTTPS\" (or \"TLS\"), or make the HTTP listener's default_action "+
			"a redirect to HTTPS with status_code HTTP_301.",
		check.High, sgTransit, listenerTypes, judgeListener),
	def("terraform.aws.elb.tls-policy", "TLS listeners use a TLS 1.2+ security policy",
		"Only policies that refuse TLS 1.0 and 1.1 meet NIST SP 800-52r2 section 3.1; the "+
			"default ELBSecurityPolicy-2016-08 still accepts TLS 1.0 (164.312(e)(2)(ii)). "+
			"The check accepts a list of policies known to require TLS 1.2 or newer.",
		"Set ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\" (or a TLS13-1-2/1-3 "+
			"variant such as ELBSecurityPolicy-TLS13-1-2-Res-2021-06).",
		check.High, sgTLS, listenerTypes, judgeListenerPolicy),
	def("terraform.aws.cloudfront.https-only", "CloudFront serves viewers over HTTPS only",
		"A cache behavior with viewer_protocol_policy allow-all serves ePHI over plain "+
			"HTTP (164.312(e)(1); NIST SP 800-53 SC-8).",
		"Set viewer_protocol_policy = \"redirect-to-https\" or \"https-only\" on every "+
			"cache behavior.",
		check.High, sgTransit, []string{"aws_cloudfront_distribution"}, judgeViewerProtocol),
	def("terraform.aws.cloudfront.tls-policy", "CloudFront requires TLS 1.2+ from viewers",
		"The default *.cloudfront.net certificate and the TLSv1/TLSv1.1 policies accept "+
			"deprecated protocols (164.312(e)(2)(ii); NIST SP 800-52r2 section 3.1). Only "+
			"TLSv1.2_* and TLSv1.3_* policies are accepted.",
		"Use your own certificate with minimum_protocol_version = \"TLSv1.2_2021\".",
		check.High, sgTLS, []string{"aws_cloudfront_distribution"}, judgeCloudFrontTLS),
	def("terraform.aws.apigateway.tls-policy", "API Gateway custom domains require TLS 1.2+",
		"An API Gateway domain without security_policy TLS_1_2 accepts TLS 1.0 "+
			"(164.312(e)(2)(ii); NIST SP 800-52r2 section 3.1).",
		"Set security_policy = \"TLS_1_2\" (or a SecurityPolicy_TLS13_1_2/1_3 policy).",
		check.High, sgTLS, []string{"aws_api_gateway_domain_name", "aws_apigatewayv2_domain_name"},
		judgeAPIGatewayTLS),
	def("terraform.aws.opensearch.https", "OpenSearch domains enforce HTTPS with TLS 1.2+",
		"Search indexes of clinical data must not be reachable over HTTP or old TLS "+
			"(164.312(e)(1), 164.312(e)(2)(ii); NIST SP 800-52r2 section 3.1).",
		"Set domain_endpoint_options { enforce_https = true, tls_security_policy = "+
			"\"Policy-Min-TLS-1-2-2019-07\" }.",
		check.High, sgTransit, []string{"aws_opensearch_domain", "aws_elasticsearch_domain"},
		allOf(isTrue("enforce_https", false, "domain_endpoint_options", 0, "enforce_https"),
			oneOf("tls_security_policy", openSearchTLS, "Policy-Min-TLS-1-0-2019-07",
				"domain_endpoint_options", 0, "tls_security_policy"))),
	def("terraform.aws.vpc.database-ports-closed",
		"Security groups do not open database ports to the internet",
		"Ingress from 0.0.0.0/0 or ::/0 to PostgreSQL, MySQL, SQL Server, Oracle, Redis or "+
			"MongoDB ports exposes ePHI stores to the whole internet (164.312(a)(1), "+
			"164.312(e)(1); NIST SP 800-53 SC-7).",
		"Allow the database port only from the application's security group or private "+
			"address ranges.",
		check.Critical, sgs(sgAccess, []string{"164.312(e)(1)"}),
		[]string{"aws_security_group", "aws_security_group_rule",
			"aws_vpc_security_group_ingress_rule"},
		judgeOpenDBPorts),
}

// albTLS12 lists the ELB security policies that refuse TLS 1.0 and 1.1.
var albTLS12 = among("ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
	"ELBSecurityPolicy-FS-1-2-2019-08", "ELBSecurityPolicy-FS-1-2-Res-2019-08",
	"ELBSecurityPolicy-FS-1-2-Res-2020-10")

// elbPolicyOK accepts the listed policies and the TLS13-1-2 and TLS13-1-3
// families, whose names state their minimum version.
func elbPolicyOK(s string) bool {
	return albTLS12(s) || strings.HasPrefix(s, "ELBSecurityPolicy-TLS13-1-2-") ||
		strings.HasPrefix(s, "ELBSecurityPolicy-TLS13-1-3-")
}

var openSearchTLS = among("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10")

func listenerProtocol(r *Resource) (string, val) {
	p := r.get("protocol")
	s, _ := p.text()
	if !p.set {
		s = "HTTP"
		if !r.get("certificate_arn").empty() {
			s = "HTTPS"
		}
	}
	return strings.ToUpper(s), p
}

func judgeListener(_ *index, r *Resource) verdict {
	proto, pv := listenerProtocol(r)
	if pv.unknown {
		return unsure(pv, "protocol")
	}
	switch proto {
	case "HTTPS", "TLS":
		return pass("the listener terminates TLS (%s)", proto)
	case "HTTP":
		return judgeRedirect(r)
	}
	return verdict{status: check.Unknown, msg: "the listener passes " + proto +
		" through; whether the traffic is encrypted depends on the targets"}
}

func judgeRedirect(r *Resource) verdict {
	for _, a := range r.get("default_action").items() {
		t := walk(a, "type")
		if t.unknown {
			return unsure(t, "default_action type")
		}
		if s, _ := t.text(); s != "redirect" {
			continue
		}
		p := walk(a, "redirect", 0, "protocol")
		if p.unknown {
			return unsure(p, "redirect protocol")
		}
		if s, _ := p.text(); strings.EqualFold(s, "HTTPS") {
			return pass("the HTTP listener redirects to HTTPS")
		}
	}
	return fail("the listener serves plain HTTP without redirecting to HTTPS")
}

func judgeListenerPolicy(_ *index, r *Resource) verdict {
	proto, pv := listenerProtocol(r)
	if pv.unknown {
		return unsure(pv, "protocol")
	}
	if proto != "HTTPS" && proto != "TLS" {
		return notApplicable
	}
	return judgeOneOf(r.get("ssl_policy"), "ssl_policy", elbPolicyOK, "ELBSecurityPolicy-2016-08")
}

var httpsViewer = among("redirect-to-https", "https-only")

func judgeViewerProtocol(_ *index, r *Resource) verdict {
	behaviors := r.get("default_cache_behavior").items()
	behaviors = append(behaviors, r.get("ordered_cache_behavior").items()...)
	for _, b := range behaviors {
		v := judgeOneOf(walk(b, "viewer_protocol_policy"), "viewer_protocol_policy",
			httpsViewer, "")
		if v.status != check.Pass {
			return v
		}
	}
	return pass("every cache behavior requires HTTPS")
}

func cloudFrontTLSOK(s string) bool {
	return strings.HasPrefix(s, "TLSv1.2_") || strings.HasPrefix(s, "TLSv1.3_")
}

func judgeCloudFrontTLS(_ *index, r *Resource) verdict {
	vc := r.get("viewer_certificate", 0)
	def := walk(vc.v, "cloudfront_default_certificate")
	if b, _ := def.boolean(); b {
		return fail("the default CloudFront certificate accepts TLS 1.0")
	}
	return judgeOneOf(walk(vc.v, "minimum_protocol_version"), "minimum_protocol_version",
		cloudFrontTLSOK, "TLSv1")
}

func apiGatewayTLSOK(s string) bool {
	return s == "TLS_1_2" || strings.HasPrefix(s, "SecurityPolicy_TLS13_1_2") ||
		strings.HasPrefix(s, "SecurityPolicy_TLS13_1_3") ||
		strings.HasPrefix(s, "SecurityPolicy_TLS12_")
}

func judgeAPIGatewayTLS(_ *index, r *Resource) verdict {
	v := r.get("security_policy")
	if r.Type == "aws_apigatewayv2_domain_name" {
		v = r.get("domain_name_configuration", 0, "security_policy")
	}
	return judgeOneOf(v, "security_policy", apiGatewayTLSOK, "TLS_1_0")
}

var databasePorts = []float64{1433, 1521, 3306, 5432, 6379, 27017}

func judgeOpenDBPorts(_ *index, r *Resource) verdict {
	var rules []any
	switch r.Type {
	case "aws_security_group":
		rules = r.get("ingress").items()
	case "aws_security_group_rule":
		if t, _ := r.get("type").text(); t != "ingress" {
			return notApplicable
		}
		rules = []any{r.Attributes}
	default:
		rules = []any{r.Attributes}
	}
	for _, ru := range rules {
		if v := judgeIngress(ru); v.status != check.Pass {
			return v
		}
	}
	return pass("no database port is open to the internet")
}

func judgeIngress(ru any) verdict {
	var cidrs []string
	for _, k := range []string{"cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"} {
		v := walk(ru, k)
		if v.unknown {
			return unsure(v, k)
		}
		cidrs = append(cidrs, strs(v.v)...)
	}
	if !hasString(cidrs, "0.0.0.0/0") && !hasString(cidrs, "::/0") {
		return pass("not open to the internet")
	}
	from, to := walk(ru, "from_port"), walk(ru, "to_port")
	if from.unknown || to.unknown {
		return unsure(from, "the port range")
	}
	lo, _ := from.number()
	hi, _ := to.number()
	if p, _ := walk(ru, "ip_protocol").text(); p == "-1" {
		lo, hi = 0, 65535
	}
	if p, _ := walk(ru, "protocol").text(); p == "-1" || p == "all" {
		lo, hi = 0, 65535
	}
	for _, port := range databasePorts {
		if port >= lo && port <= hi {
			return fail("port %g is open to the internet", port).with("port", port)
		}
	}
	return pass("no database port in the open range")
}
