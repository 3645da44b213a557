package tlsprobe

import (
	"fmt"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// Evaluate runs every check on s and returns at least one finding per check.
// It is pure: a snapshot saved as JSON and loaded again evaluates the same.
// A nil snapshot yields one unknown finding per check.
func Evaluate(s *Snapshot, target string, o Options) []check.Finding {
	if s == nil {
		return unknownAll(target, "no snapshot was collected")
	}
	o = o.withDefaults()
	resource := s.Endpoint.String()
	var out []check.Finding
	for _, e := range table {
		vs := gate(e, s)
		if vs == nil {
			vs = e.Eval(s, o)
		}
		for _, v := range vs {
			f := e.Result(target, resource, v.status, v.msg)
			for k, x := range v.evidence {
				f = f.With(k, x)
			}
			if factOnly(e, o, v) {
				// The hipaa profile does not require it: a fact, which the
				// message states, not a failure.
				f.Status = check.Pass
				f.Message += " (reported as a fact: --profile pq-ready requires one)"
			}
			out = append(out, f)
		}
	}
	return out
}

// factOnly reports whether a failing finding is only a fact: missing
// post-quantum key exchange under any profile but pq-ready.
func factOnly(e entry, o Options, v verdict) bool {
	return e.ID == "tls.kex.post-quantum" && o.Profile != ProfilePQReady && v.status == check.Fail
}

// gate answers every check but tls.enabled with unknown when the endpoint
// never spoke TLS: nothing about its TLS can be judged.
func gate(e entry, s *Snapshot) []verdict {
	if e.ID == "tls.enabled" || (s.TLS != nil && *s.TLS) {
		return nil
	}
	msg := "the endpoint did not answer in TLS"
	if s.TLS != nil {
		msg = "the endpoint does not offer TLS"
	}
	if len(s.Errors) > 0 {
		msg += ": " + strings.Join(s.Errors, "; ")
	}
	return one(check.Unknown, msg)
}

// Unreachable returns one error finding per check for a target the prober
// could not reach, so that every check still reports on it.
func Unreachable(target string, err error) []check.Finding {
	out := make([]check.Finding, 0, len(table))
	for _, e := range table {
		out = append(out, e.Resultf(target, target, check.Error, "endpoint unreachable: %v", err))
	}
	return out
}

func unknownAll(target, msg string) []check.Finding {
	out := make([]check.Finding, 0, len(table))
	for _, e := range table {
		out = append(out, e.Result(target, target, check.Unknown, msg))
	}
	return out
}

func one(st check.Status, msg string, kv ...any) []verdict {
	ev := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		ev[kv[i].(string)] = kv[i+1]
	}
	return []verdict{{status: st, msg: msg, evidence: ev}}
}

func evalEnabled(s *Snapshot, _ Options) []verdict {
	switch {
	case s.TLS == nil:
		return one(check.Unknown, "could not tell whether the endpoint offers TLS: "+
			strings.Join(s.Errors, "; "))
	case !*s.TLS:
		return one(check.Fail, "the endpoint does not offer TLS")
	}
	return one(check.Pass, "the endpoint offers TLS", "versions", offeredNames(s))
}

func offeredNames(s *Snapshot) []string {
	var out []string
	for _, v := range s.Versions {
		if v.Status == Offered {
			out = append(out, v.Name)
		}
	}
	return out
}

func evalLegacy(s *Snapshot, _ Options) []verdict {
	var on, unknown []string
	for _, v := range s.Versions {
		if !legacyVersion(parseCode(v.Code)) {
			continue
		}
		switch v.Status {
		case Offered:
			on = append(on, v.Name)
		case VersionUnknown:
			unknown = append(unknown, v.Name+" ("+v.Detail+")")
		}
	}
	switch {
	case len(on) > 0:
		return one(check.Fail, "legacy protocols offered: "+strings.Join(on, ", "), "offered", on)
	case len(unknown) > 0:
		return one(check.Unknown, "could not tell: "+strings.Join(unknown, ", "))
	}
	return one(check.Pass, "only TLS 1.2 or newer is offered", "versions", offeredNames(s))
}

func evalTLS13(s *Snapshot, _ Options) []verdict {
	switch s.version(versionTLS13) {
	case Offered:
		return one(check.Pass, "TLS 1.3 is offered")
	case NotOffered:
		return one(check.Fail, "TLS 1.3 is not offered", "versions", offeredNames(s))
	}
	return one(check.Unknown, "could not tell whether TLS 1.3 is offered")
}

// suiteVerdict fails when any offered suite matches bad, and is unknown
// when some version could not be enumerated.
func suiteVerdict(s *Snapshot, what string, bad func(string) string) []verdict {
	var found []string
	for _, v := range s.Versions {
		for _, c := range s.Suites[v.Name] {
			if why := bad(c.Name); why != "" {
				found = append(found, fmt.Sprintf("%s %s (%s)", v.Name, c.Name, why))
			}
		}
	}
	if len(found) > 0 {
		return one(check.Fail, fmt.Sprintf("%d %s offered: %s", len(found), what,
			strings.Join(found, ", ")), "suites", found)
	}
	for _, v := range s.Versions {
		if v.Status == VersionUnknown {
			return one(check.Unknown, fmt.Sprintf("no %s found, but %s could not be enumerated",
				what, v.Name))
		}
	}
	return one(check.Pass, "no "+what+" offered")
}

func evalWeak(s *Snapshot, _ Options) []verdict {
	return suiteVerdict(s, "weak suites", suiteWeakness)
}

func evalStaticRSA(s *Snapshot, _ Options) []verdict {
	return suiteVerdict(s, "static RSA suites", func(n string) string {
		if staticRSA(n) {
			return "no forward secrecy"
		}
		return ""
	})
}

func evalCBCSHA1(s *Snapshot, _ Options) []verdict {
	return suiteVerdict(s, "CBC-SHA1 suites", func(n string) string {
		if cbcSHA1(n) {
			return "CBC with HMAC-SHA1"
		}
		return ""
	})
}
