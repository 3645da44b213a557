package serverconf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// nginxChecks are the checks on nginx server blocks; the rationale cites the
// safeguard and the CIS NGINX Benchmark or NIST item.
var nginxChecks = []rule[nginxServer]{
	{def("nginx.tls.protocols", "nginx", "TLS servers allow only TLS 1.2 and 1.3", check.High,
		sgTransmission,
		"TLS 1.0 and 1.1 lack modern integrity protection; NIST SP 800-52r2 3.1 and CIS NGINX "+
			"Benchmark 4.1.4 allow only TLS 1.2 and newer (164.312(e)(1), (e)(2)(ii)).",
		"Set `ssl_protocols TLSv1.2 TLSv1.3;` in the http or server block."), nginxProtocols},
	{def("nginx.tls.ciphers", "nginx", "TLS servers offer no weak cipher suites", check.High,
		sgTransmission,
		"RC4, DES, 3DES, NULL, EXPORT, anonymous and MD5 suites can be broken or offer no "+
			"protection; NIST SP 800-52r2 3.3.1 and CIS NGINX Benchmark 4.1.5 exclude them "+
			"(164.312(e)(2)(i), (e)(2)(ii)).",
		"Set ssl_ciphers to an AEAD list such as "+
			"`ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:...`, or leave the "+
			"default `HIGH:!aNULL:!MD5`."), nginxCiphers},
	{def("nginx.http.redirect", "nginx", "Port 80 only redirects to HTTPS", check.High,
		sgTransmission,
		"A server answering plain HTTP on port 80 with content sends ePHI and session cookies "+
			"in clear text; it must only send a permanent redirect to https "+
			"(164.312(e)(1); CIS NGINX Benchmark 4.1.1).",
		"Make the port 80 server `return 301 https://$host$request_uri;` (308 also works)."),
		nginxRedirect},
	{def("nginx.hsts", "nginx", "TLS servers send HSTS for at least a year", check.Medium,
		sgTransmission,
		"Strict-Transport-Security makes browsers refuse plain HTTP to the site, closing the "+
			"first-request downgrade; CIS NGINX Benchmark 4.1.8 asks for max-age of at least "+
			"31536000 (164.312(e)(1)).",
		"add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always; "+
			"in the server block, and again in every location that sets its own headers."),
		nginxHSTS},
}

// nginxProtocols fails TLS servers whose ssl_protocols allow anything but
// TLSv1.2 and TLSv1.3, or do not say.
func nginxProtocols(c check.Check, s nginxServer) []finding {
	if !s.tls() {
		return nil
	}
	d := s.inherited("ssl_protocols")
	if d == nil {
		return []finding{mk(check.Fail, s.server, "ssl_protocols is not set: the default "+
			"depends on the nginx version (before 1.23.4 it allows TLSv1 and TLSv1.1)")}
	}
	var bad []string
	for _, p := range d.Args {
		if p != "TLSv1.2" && p != "TLSv1.3" {
			bad = append(bad, p)
		}
	}
	if len(bad) > 0 {
		return []finding{mk(check.Fail, d, "ssl_protocols allows "+strings.Join(bad, " "))}
	}
	return []finding{mk(check.Pass, d, "ssl_protocols "+strings.Join(d.Args, " "))}
}

// weakCipherParts are OpenSSL cipher-string components that select broken
// or unauthenticated suites.
var weakCipherParts = map[string]bool{
	"RC4": true, "DES": true, "3DES": true, "CBC3": true, "NULL": true, "ENULL": true,
	"ANULL": true, "EXPORT": true, "EXP": true, "EXPORT40": true, "EXPORT56": true,
	"MD5": true, "ADH": true, "AECDH": true, "LOW": true, "DES40": true, "IDEA": true,
}

// nginxCiphers fails TLS servers whose ssl_ciphers select a weak suite that
// a later `!` does not remove.
func nginxCiphers(c check.Check, s nginxServer) []finding {
	if !s.tls() {
		return nil
	}
	d := s.inherited("ssl_ciphers")
	if d == nil {
		return []finding{mk(check.Pass, s.server, "ssl_ciphers is not set: the default "+
			"HIGH:!aNULL:!MD5 offers no weak suite")}
	}
	if weak := weakCiphers(strings.Join(d.Args, ":")); len(weak) > 0 {
		return []finding{mk(check.Fail, d, "ssl_ciphers selects weak suites: "+
			strings.Join(weak, ", "))}
	}
	return []finding{mk(check.Pass, d, "ssl_ciphers selects no weak suite")}
}

// weakCiphers returns the items of an OpenSSL cipher string that select a
// weak suite: an item naming a weak component, or ALL, that is not removed
// for good by a `!` item.
func weakCiphers(list string) []string {
	items := strings.FieldsFunc(list, func(r rune) bool {
		return r == ':' || r == ',' || r == ' '
	})
	removed := map[string]bool{}
	for _, it := range items {
		if strings.HasPrefix(it, "!") {
			removed[strings.ToUpper(it[1:])] = true
		}
	}
	var out []string
	for _, it := range items {
		if strings.HasPrefix(it, "!") || strings.HasPrefix(it, "-") || strings.HasPrefix(it, "@") {
			continue
		}
		name := strings.TrimPrefix(it, "+")
		if strings.EqualFold(name, "ALL") && !removedWeak(removed) {
			out = append(out, it)
			continue
		}
		for _, part := range strings.FieldsFunc(name, func(r rune) bool {
			return r == '-' || r == '+'
		}) {
			p := strings.ToUpper(part)
			if weakCipherParts[p] && !removed[p] {
				out = append(out, it)
				break
			}
		}
	}
	return out
}

// removedWeak reports whether the `!` items remove every weak family from
// ALL: anonymous, null, RC4, DES, 3DES, export and MD5 suites.
func removedWeak(removed map[string]bool) bool {
	for _, f := range []string{"ANULL", "ENULL", "RC4", "DES", "3DES", "EXPORT", "MD5"} {
		if !removed[f] && !(f == "EXPORT" && removed["EXP"]) {
			return false
		}
	}
	return true
}

// httpsRedirect matches a return that sends a permanent redirect to https.
var httpsRedirect = regexp.MustCompile(`^(301|308)$`)

// nginxRedirect fails servers on plain port 80 that do anything but a
// permanent redirect to https.
func nginxRedirect(c check.Check, s nginxServer) []finding {
	l, ok := s.plain80()
	if !ok {
		return nil
	}
	at := &directive{File: s.server.File, Line: l.line}
	if d := redirectOf(s.server.Block); d != nil {
		return []finding{mk(check.Pass, d, "port 80 answers with a permanent redirect to https")}
	}
	if s.tls() {
		return []finding{mk(check.Fail, at, "the server answers both TLS and plain HTTP on port "+
			"80 without redirecting plain requests to https")}
	}
	if bad := nonRedirectingLocations(s.server.Block); len(bad) > 0 {
		return []finding{mk(check.Fail, bad[0], "port 80 serves "+describeLocation(bad[0])+
			" instead of a permanent redirect to https")}
	}
	if len(all(s.server.Block, "location")) == 0 {
		return []finding{mk(check.Fail, at, "port 80 serves content instead of a permanent "+
			"redirect to https")}
	}
	return []finding{mk(check.Pass, at, "every location on port 80 redirects to https")}
}

// redirectOf returns the server-level directive that permanently redirects
// every request to https, if there is one: `return 301|308 https://...`,
// `rewrite ... https://... permanent` or an `if ($scheme = http)` holding one.
func redirectOf(block []*directive) *directive {
	for _, d := range block {
		switch {
		case d.Name == "return" && len(d.Args) == 2 && httpsRedirect.MatchString(d.Args[0]) &&
			strings.HasPrefix(d.Args[1], "https://"):
			return d
		case d.Name == "rewrite" && len(d.Args) == 3 && strings.HasPrefix(d.Args[1], "https://") &&
			d.Args[2] == "permanent":
			return d
		case d.Name == "if" && d.IsBlock && strings.Contains(strings.Join(d.Args, " "), "$scheme"):
			if r := redirectOf(d.Block); r != nil {
				return r
			}
		}
	}
	return nil
}

// nonRedirectingLocations returns the locations that neither redirect to
// https nor serve only ACME HTTP-01 challenges.
func nonRedirectingLocations(block []*directive) []*directive {
	var out []*directive
	for _, d := range all(block, "location") {
		if strings.Contains(strings.Join(d.Args, " "), "/.well-known/acme-challenge") {
			continue
		}
		if redirectOf(d.Block) == nil {
			out = append(out, d)
		}
	}
	return out
}

func describeLocation(d *directive) string {
	return fmt.Sprintf("location %s", strings.Join(d.Args, " "))
}

// nginxHSTS fails TLS servers without a Strict-Transport-Security header of
// at least a year, and locations that drop the server's header by setting
// their own.
func nginxHSTS(c check.Check, s nginxServer) []finding {
	if !s.tls() {
		return nil
	}
	hdr, age := hsts(s.headers())
	switch {
	case hdr == nil:
		return []finding{mk(check.Fail, s.server, "no Strict-Transport-Security header is added")}
	case age < 31536000:
		return []finding{mk(check.Fail, hdr, fmt.Sprintf("Strict-Transport-Security max-age "+
			"is %d seconds; want at least 31536000 (one year)", age))}
	}
	var out []finding
	for _, loc := range all(s.server.Block, "location") {
		own := all(loc.Block, "add_header")
		if h, _ := hsts(own); len(own) > 0 && h == nil {
			out = append(out, mk(check.Fail, loc, describeLocation(loc)+" sets its own "+
				"headers, so it drops the server's Strict-Transport-Security header"))
		}
	}
	if len(out) == 0 {
		out = append(out, mk(check.Pass, hdr,
			fmt.Sprintf("Strict-Transport-Security max-age=%d", age)))
	}
	return out
}

// hsts returns the Strict-Transport-Security add_header and its max-age.
func hsts(headers []*directive) (*directive, int) {
	for _, d := range headers {
		if len(d.Args) >= 2 && strings.EqualFold(d.Args[0], "Strict-Transport-Security") {
			return d, maxAge(d.Args[1])
		}
	}
	return nil, 0
}

var maxAgeRE = regexp.MustCompile(`(?i)max-age\s*=\s*"?(\d{1,12})`)

func maxAge(v string) int {
	m := maxAgeRE.FindStringSubmatch(v)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
