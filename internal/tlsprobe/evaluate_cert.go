package tlsprobe

import (
	"fmt"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// certVerdict answers unknown when no certificate was received.
func certVerdict(s *Snapshot, judge func(*Certificate) []verdict) []verdict {
	if s.Certificate == nil {
		return one(check.Unknown, "no certificate received: "+strings.Join(s.Errors, "; "))
	}
	return judge(s.Certificate)
}

func evalExpired(s *Snapshot, _ Options) []verdict {
	return certVerdict(s, func(c *Certificate) []verdict {
		ev := []any{"not_after", c.NotAfter, "days_left", c.DaysLeft, "subject", c.Subject}
		if c.Expired {
			return one(check.Fail, fmt.Sprintf("certificate expired on %s",
				c.NotAfter.Format("2006-01-02")), ev...)
		}
		return one(check.Pass, fmt.Sprintf("certificate valid for %d more days", c.DaysLeft), ev...)
	})
}

func evalHostname(s *Snapshot, _ Options) []verdict {
	return certVerdict(s, func(c *Certificate) []verdict {
		ev := []any{"hostname", c.Hostname, "dns_names", c.DNSNames, "ip_addresses", c.IPs}
		if !c.HostnameMatch {
			return one(check.Fail, fmt.Sprintf("certificate does not match %q", c.Hostname), ev...)
		}
		return one(check.Pass, fmt.Sprintf("certificate matches %q", c.Hostname), ev...)
	})
}

func evalTrusted(s *Snapshot, _ Options) []verdict {
	return certVerdict(s, func(c *Certificate) []verdict {
		ev := []any{"issuer", c.Issuer, "self_signed", c.SelfSigned, "chain_length", len(c.Chain)}
		switch {
		case !c.Trusted && c.SelfSigned:
			return one(check.Fail, "self-signed certificate ("+c.Subject+"): no trusted CA "+
				"issued it; if it is your private CA's, pass its certificate with --ca-file",
				append(ev, "trust_error", c.TrustError)...)
		case !c.Trusted:
			return one(check.Fail, "certificate chain is not trusted: "+c.TrustError, ev...)
		case !c.ServerAuth:
			return one(check.Fail, "certificate does not allow server authentication (EKU)",
				append(ev, "ext_key_usage", c.ExtKeyUsage)...)
		}
		return one(check.Pass, "certificate chains to a trusted root", ev...)
	})
}

// weakSignature reports whether a signature algorithm hashes with MD5 or
// SHA-1 (NIST SP 800-131A section 9).
func weakSignature(alg string) bool {
	a := strings.ToUpper(alg)
	return strings.Contains(a, "MD5") || strings.Contains(a, "MD2") || strings.Contains(a, "SHA1")
}

func evalSignature(s *Snapshot, _ Options) []verdict {
	return certVerdict(s, func(c *Certificate) []verdict {
		var weak []string
		for i, x := range c.Chain {
			root := i > 0 && x.Subject == x.Issuer // a root's own signature is not checked
			if !root && weakSignature(x.SignatureAlgorithm) {
				weak = append(weak, fmt.Sprintf("%s (%s)", x.Subject, x.SignatureAlgorithm))
			}
		}
		if len(weak) > 0 {
			return one(check.Fail, "weak certificate signatures: "+strings.Join(weak, ", "),
				"weak", weak)
		}
		return one(check.Pass, "certificate signed with "+c.SignatureAlgorithm,
			"signature_algorithm", c.SignatureAlgorithm)
	})
}

func evalKeySize(s *Snapshot, _ Options) []verdict {
	return certVerdict(s, func(c *Certificate) []verdict {
		ev := []any{"key_type", c.KeyType, "key_bits", c.KeyBits}
		msg := fmt.Sprintf("%s key of %d bits", c.KeyType, c.KeyBits)
		switch {
		case c.KeyType == "RSA" && c.KeyBits < 2048, c.KeyType == "ECDSA" && c.KeyBits < 256:
			return one(check.Fail, msg+" is too small", ev...)
		case c.KeyType == "unknown":
			return one(check.Unknown, "unrecognised key type", ev...)
		}
		return one(check.Pass, msg, ev...)
	})
}

func evalPQ(s *Snapshot, o Options) []verdict {
	var names []string
	for _, g := range s.Groups {
		if g.PQ {
			names = append(names, g.Name)
		}
	}
	ev := []any{"pq_groups", names, "pq_preferred", s.PQPreferred, "profile", o.Profile}
	if s.PreferredGroup != nil {
		ev = append(ev, "preferred_group", s.PreferredGroup.Name)
	}
	switch {
	case len(names) > 0 && s.PQPreferred:
		return one(check.Pass, "post-quantum key exchange offered and preferred: "+
			strings.Join(names, ", "), ev...)
	case len(names) > 0:
		return one(check.Pass, "post-quantum key exchange offered but not preferred: "+
			strings.Join(names, ", "), ev...)
	case s.version(versionTLS13) == VersionUnknown:
		return one(check.Unknown, "could not tell whether TLS 1.3 is offered", ev...)
	}
	return one(check.Fail, "no post-quantum key exchange group offered", ev...)
}
