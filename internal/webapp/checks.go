package webapp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kollguard/kollguard/internal/check"
)

// Kind is the target kind of every check in this package.
const Kind = "webapp"

// HSTS max-age thresholds: one year is the floor, two years recommended
// (the preload list's requirement).
const (
	hstsMinimum     = 365 * 24 * 60 * 60
	hstsRecommended = 2 * hstsMinimum
)

var (
	checkRedirect = check.Check{ID: "webapp.http.redirect", Kind: Kind,
		Title:    "Plain HTTP only redirects to HTTPS",
		Severity: check.High, Safeguards: []string{"164.312(e)(1)", "164.312(e)(2)(ii)"},
		Rationale: "A page served over plain HTTP, or a login form reachable before the " +
			"redirect, sends ePHI and session cookies in clear text (164.312(e)(2)(ii)).",
		Remediation: "Answer every plain HTTP request with a 301 or 308 to the https:// URL " +
			"and no content, or do not listen on plain HTTP at all."}
	checkHSTS = check.Check{ID: "webapp.hsts", Kind: Kind,
		Title:    "HSTS tells browsers to use HTTPS for a year or more",
		Severity: check.Medium, Safeguards: []string{"164.312(e)(1)", "164.312(e)(2)(ii)"},
		Rationale: "Without Strict-Transport-Security (RFC 6797) a browser's first request can " +
			"be downgraded to HTTP by an attacker on the network (164.312(e)(1)).",
		Remediation: "Send Strict-Transport-Security: max-age=63072000; includeSubDomains " +
			"on every HTTPS response."}
	checkCookieFlags = check.Check{ID: "webapp.cookie.flags", Kind: Kind,
		Title:    "Session cookies are Secure, HttpOnly and SameSite",
		Severity: check.Medium, Safeguards: []string{"164.312(a)(1)", "164.312(e)(1)"},
		Rationale: "A session cookie without Secure leaks over plain HTTP; without HttpOnly " +
			"any injected script can steal it; without SameSite it rides cross-site requests " +
			"(RFC 6265bis section 4.1.2; 164.312(a)(1), (e)(1)).",
		Remediation: "Set session cookies with Secure; HttpOnly; SameSite=Lax (or Strict)."}
	checkCookieLifetime = check.Check{ID: "webapp.cookie.lifetime", Kind: Kind,
		Title:    "Session cookies expire within the idle limit",
		Severity: check.Medium, Safeguards: []string{"164.312(a)(2)(iii)"},
		Rationale: "Automatic logoff (164.312(a)(2)(iii)) ends a session left unattended; a " +
			"session cookie that lives for days keeps an unattended workstation logged in.",
		Remediation: "Give session cookies a Max-Age no longer than the idle limit and renew " +
			"it on activity, or expire sessions server-side and record that in a decision."}
	checkNoStore = check.Check{ID: "webapp.cache.no-store", Kind: Kind,
		Title:    "Protected pages are not cached",
		Severity: check.Medium, Safeguards: []string{"164.312(a)(1)"},
		Rationale: "A page with ePHI cached by a browser or a shared proxy is readable by the " +
			"next person at the workstation or by the proxy's operator (RFC 9111 section " +
			"5.2.2.5; 164.312(a)(1)).",
		Remediation: "Send Cache-Control: no-store on every page that shows ePHI."}
)

// Checks returns every web application check.
func Checks() []check.Check {
	return []check.Check{checkRedirect, checkHSTS, checkCookieFlags, checkCookieLifetime,
		checkNoStore}
}

// Unreachable returns one error finding per check for an application that
// could not be reached.
func Unreachable(target string, err error) []check.Finding {
	var out []check.Finding
	for _, c := range Checks() {
		out = append(out, c.Resultf(target, "application", check.Error,
			"could not reach the application: %v", err))
	}
	return out
}

// Evaluate judges a snapshot; every check yields at least one finding.
func Evaluate(s *Snapshot, target string, o Options) []check.Finding {
	if s == nil || s.HTTP == nil || s.HTTPS == nil {
		var out []check.Finding
		for _, c := range Checks() {
			out = append(out, c.Result(target, "application", check.Unknown,
				"the snapshot holds no HTTP and HTTPS responses to judge"))
		}
		return out
	}
	out := []check.Finding{redirect(s, target), hsts(s, target)}
	out = append(out, cookies(s, target, o)...)
	return append(out, noStore(s, target, o)...)
}

func redirect(s *Snapshot, target string) check.Finding {
	h := s.HTTP
	res := func(st check.Status, format string, args ...any) check.Finding {
		return checkRedirect.Resultf(target, h.URL, st, format, args...).
			With("status", h.Status).With("location", h.Location)
	}
	switch {
	case h.Refused:
		return res(check.Pass, "plain HTTP is not served at %s", h.URL)
	case h.Status == 0:
		return res(check.Unknown, "plain HTTP could not be checked: %s", h.Error)
	case h.Status != 301 && h.Status != 302 && h.Status != 307 && h.Status != 308:
		return res(check.Fail, "plain HTTP answers %d instead of redirecting to HTTPS", h.Status)
	case !strings.HasPrefix(strings.ToLower(h.Location), "https://"):
		return res(check.Fail, "plain HTTP redirects to %q, not to an https:// URL", h.Location)
	case h.BodyBytes > 1024:
		return res(check.Fail, "plain HTTP redirects but also serves %d bytes of content",
			h.BodyBytes)
	}
	return res(check.Pass, "plain HTTP redirects to %s", h.Location)
}

func hsts(s *Snapshot, target string) check.Finding {
	v := s.HTTPS.HSTS
	age, sub := parseHSTS(v)
	f := checkHSTS.Result(target, s.URL, check.Pass, "").With("header", v).
		With("include_subdomains", sub)
	switch {
	case v == "":
		f.Status, f.Message = check.Fail, "no Strict-Transport-Security header"
	case age < hstsMinimum:
		f.Status, f.Message = check.Fail, fmt.Sprintf("HSTS max-age is %d s, under one year", age)
	case age < hstsRecommended:
		f.Message = fmt.Sprintf("HSTS max-age is %d s: at least a year; two are recommended", age)
	default:
		f.Message = fmt.Sprintf("HSTS max-age is %d s", age)
	}
	if f.Status == check.Pass && !sub {
		f.Message += "; includeSubDomains is not set"
	}
	return f
}

// parseHSTS reads max-age and includeSubDomains from a header value.
func parseHSTS(v string) (maxAge int64, includeSubDomains bool) {
	for _, d := range strings.Split(v, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "max-age":
			maxAge, _ = strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
		case "includesubdomains":
			includeSubDomains = true
		}
	}
	return maxAge, includeSubDomains
}

func cookies(s *Snapshot, target string, o Options) []check.Finding {
	var flags, life []check.Finding
	for _, c := range s.HTTPS.Cookies {
		if !isSession(c.Name, o.SessionCookies) {
			continue
		}
		res := "cookie " + c.Name
		flags = append(flags, cookieFlags(c, target, res))
		life = append(life, cookieLifetime(c, target, res, idleLimit(o)))
	}
	if len(flags) == 0 {
		msg := "the application set no session cookie on " + s.URL
		flags = append(flags, checkCookieFlags.Result(target, s.URL, check.Unknown, msg))
		life = append(life, checkCookieLifetime.Result(target, s.URL, check.Unknown, msg))
	}
	return append(flags, life...)
}

func cookieFlags(c Cookie, target, res string) check.Finding {
	var missing []string
	if !c.Secure {
		missing = append(missing, "Secure")
	}
	if !c.HTTPOnly {
		missing = append(missing, "HttpOnly")
	}
	if c.SameSite == "" || c.SameSite == "None" {
		missing = append(missing, "SameSite=Lax or Strict")
	}
	f := checkCookieFlags.Result(target, res, check.Pass, "session cookie "+c.Name+
		" is Secure, HttpOnly and SameSite="+c.SameSite).With("secure", c.Secure).
		With("http_only", c.HTTPOnly).With("same_site", c.SameSite)
	if len(missing) > 0 {
		f.Status = check.Fail
		f.Message = fmt.Sprintf("session cookie %s lacks %s", c.Name, strings.Join(missing, ", "))
	}
	return f
}

func cookieLifetime(c Cookie, target, res string, limit time.Duration) check.Finding {
	f := checkCookieLifetime.Result(target, res, check.Pass, "").With("max_age", c.MaxAge).
		With("idle_limit_seconds", int64(limit.Seconds()))
	switch {
	case c.MaxAge < 0:
		f.Status = check.Unknown
		f.Message = fmt.Sprintf("session cookie %s lives until the browser closes; whether the "+
			"server ends idle sessions cannot be seen from outside: record it in a decision",
			c.Name)
	case time.Duration(c.MaxAge)*time.Second > limit:
		f.Status = check.Fail
		f.Message = fmt.Sprintf("session cookie %s lives %s, beyond the idle limit of %s",
			c.Name, time.Duration(c.MaxAge)*time.Second, limit)
	default:
		f.Message = fmt.Sprintf("session cookie %s lives %s, within the idle limit of %s",
			c.Name, time.Duration(c.MaxAge)*time.Second, limit)
	}
	return f
}

func noStore(s *Snapshot, target string, o Options) []check.Finding {
	if len(s.Protected) == 0 {
		return []check.Finding{checkNoStore.Result(target, s.URL, check.Unknown,
			"no protected pages are configured: list the pages that show ePHI under "+
				"protected_paths")}
	}
	var out []check.Finding
	for _, p := range s.Protected {
		f := checkNoStore.Result(target, p.URL, check.Pass, "Cache-Control: "+p.CacheControl).
			With("cache_control", p.CacheControl).With("status", p.Status)
		switch {
		case p.Status == 0:
			f.Status, f.Message = check.Unknown, "could not fetch the page: "+p.Error
		case !hasDirective(p.CacheControl, "no-store"):
			f.Status = check.Fail
			f.Message = fmt.Sprintf("protected page answers %d without Cache-Control: no-store",
				p.Status)
		}
		out = append(out, f)
	}
	return out
}

func hasDirective(header, name string) bool {
	for _, d := range strings.Split(header, ",") {
		if strings.EqualFold(strings.TrimSpace(d), name) {
			return true
		}
	}
	return false
}

// isSession reports whether a cookie name is a session cookie: one of the
// configured names, or by default a well-known name or one that mentions a
// session.
func isSession(name string, configured []string) bool {
	if len(configured) > 0 {
		return slices.Contains(configured, name)
	}
	if slices.ContainsFunc(DefaultSessionCookies, func(n string) bool {
		return strings.EqualFold(n, name)
	}) {
		return true
	}
	lower := strings.ToLower(name)
	return strings.Contains(lower, "session") || strings.Contains(lower, "sess_")
}

func idleLimit(o Options) time.Duration {
	if o.IdleLimit > 0 {
		return o.IdleLimit
	}
	return 15 * time.Minute
}
