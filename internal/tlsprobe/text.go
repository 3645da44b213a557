package tlsprobe

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes s for people, in the layout sslscan made familiar:
// protocols, suites per version in preference order, groups, facts and the
// certificate.
func WriteText(w io.Writer, s *Snapshot) error {
	tw := &textWriter{w: w}
	tw.header(s)
	tw.protocols(s)
	tw.suites(s)
	tw.groups(s)
	tw.facts(s)
	tw.certificate(s.Certificate)
	tw.errors(s)
	return tw.err
}

// textWriter remembers the first write error so the sections stay simple.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textWriter) header(s *Snapshot) {
	sni := s.SNI
	if sni == "" {
		sni = "none"
	}
	t.printf("Endpoint %s (SNI %s): %d connections in %d ms\n", s.Endpoint, sni,
		s.Connections, s.DurationMS)
	if s.TLS != nil && !*s.TLS {
		t.printf("  the endpoint does not offer TLS\n")
	}
}

func (t *textWriter) protocols(s *Snapshot) {
	t.printf("\nProtocols\n")
	for _, v := range s.Versions {
		detail := ""
		if v.Detail != "" {
			detail = " (" + v.Detail + ")"
		}
		t.printf("  %-8s %s%s\n", v.Name, v.Status, detail)
	}
}

func (t *textWriter) suites(s *Snapshot) {
	t.printf("\nCipher suites\n")
	for _, v := range s.Versions {
		list := s.Suites[v.Name]
		if len(list) == 0 {
			continue
		}
		order := "client order"
		if pref, ok := s.ServerPreference[v.Name]; ok && pref {
			order = "server order"
		} else if !ok {
			order = "order unknown"
		}
		t.printf("  %s (%s)\n", v.Name, order)
		for _, c := range list {
			t.printf("    %s\n", strings.TrimRight(fmt.Sprintf("%s  %-50s %s", c.Code, c.Name,
				suiteNote(c.Name)), " "))
		}
	}
}

// suiteNote flags a suite the checks would object to.
func suiteNote(name string) string {
	switch {
	case suiteWeakness(name) != "":
		return "WEAK: " + suiteWeakness(name)
	case staticRSA(name):
		return "no forward secrecy"
	case cbcSHA1(name):
		return "CBC-SHA1"
	}
	return ""
}

func (t *textWriter) groups(s *Snapshot) {
	t.printf("\nKey exchange groups (TLSv1.3)\n")
	if len(s.Groups) == 0 {
		t.printf("  none found\n")
	}
	for _, g := range s.Groups {
		note := ""
		if g.PQ {
			note = "post-quantum"
		}
		if s.PreferredGroup != nil && s.PreferredGroup.Code == g.Code {
			note = strings.TrimSpace(note + " preferred")
		}
		line := fmt.Sprintf("%s  %-22s %s", g.Code, g.Name, note)
		t.printf("  %s\n", strings.TrimRight(line, " "))
	}
	if len(s.GroupsTLS12) > 0 {
		t.printf("  TLSv1.2:")
		for _, g := range s.GroupsTLS12 {
			t.printf(" %s", g.Name)
		}
		t.printf("\n")
	}
}

func (t *textWriter) facts(s *Snapshot) {
	t.printf("\nFacts\n")
	f := s.Facts
	t.fact("secure renegotiation", f.SecureRenegotiation)
	t.fact("extended master secret", f.ExtendedMasterSecret)
	t.fact("OCSP stapled", f.OCSPStapled)
	t.fact("TLS_FALLBACK_SCSV honoured", f.FallbackSCSV)
	t.fact("client certificate requested", f.ClientCertRequested)
	t.fact("client certificate required", f.ClientCertRequired)
	t.printf("  %-30s %t (preferred: %t)\n", "post-quantum key exchange", s.PQSupported,
		s.PQPreferred)
}

func (t *textWriter) fact(name string, v *bool) {
	val := "unknown"
	if v != nil {
		val = fmt.Sprint(*v)
	}
	t.printf("  %-30s %s\n", name, val)
}

func (t *textWriter) certificate(c *Certificate) {
	t.printf("\nCertificate\n")
	if c == nil {
		t.printf("  none received\n")
		return
	}
	t.printf("  subject     %s\n  issuer      %s\n", c.Subject, c.Issuer)
	t.printf("  names       %s\n", strings.Join(append(c.DNSNames, c.IPs...), ", "))
	t.printf("  valid until %s (%d days left, expired: %t)\n", c.NotAfter.Format("2006-01-02"),
		c.DaysLeft, c.Expired)
	t.printf("  key         %s %d bits, signed %s\n", c.KeyType, c.KeyBits, c.SignatureAlgorithm)
	t.printf("  hostname    %q matches: %t\n", c.Hostname, c.HostnameMatch)
	trust := fmt.Sprint(c.Trusted)
	if c.TrustError != "" {
		trust += " (" + c.TrustError + ")"
	}
	t.printf("  trusted     %s\n  chain       %d certificates, from %s\n", trust, len(c.Chain),
		c.Source)
}

func (t *textWriter) errors(s *Snapshot) {
	if len(s.Errors) == 0 {
		return
	}
	t.printf("\nCould not determine\n")
	for _, e := range s.Errors {
		t.printf("  %s\n", e)
	}
}
