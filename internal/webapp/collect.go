// Package webapp checks a web application that serves ePHI over HTTP(S):
// plain HTTP only redirects to HTTPS, HSTS is on (RFC 6797), session cookies
// carry Secure, HttpOnly and SameSite (RFC 6265bis) and expire within the
// idle limit (164.312(a)(2)(iii)), and protected pages are not cached.
//
// The collector makes a few GET requests without following redirects and
// records headers and cookie attributes only. It never records a response
// body, a cookie value or a header value that could carry a secret or ePHI.
package webapp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Options shape a web application scan.
type Options struct {
	// SessionCookies names the cookies that hold a session; empty means
	// DefaultSessionCookies plus any cookie whose name suggests a session.
	SessionCookies []string `json:"session_cookies,omitempty"`
	// IdleLimit is the longest a session may live idle; zero means 15 minutes.
	IdleLimit time.Duration `json:"idle_limit,omitempty"`
	// Protected lists paths (or absolute URLs) that show ePHI and must not be
	// cached.
	Protected []string `json:"protected,omitempty"`
	// HTTPURL is where plain HTTP is served; empty means http:// on the
	// default port of the application's host.
	HTTPURL string `json:"http_url,omitempty"`
	// Timeout bounds each request; zero means 10 seconds.
	Timeout time.Duration `json:"timeout,omitempty"`
}

// DefaultSessionCookies are the session cookie names of common frameworks.
var DefaultSessionCookies = []string{
	"session", "sessionid", "sid", "JSESSIONID", "PHPSESSID", "connect.sid", "_session",
	"ASP.NET_SessionId", "laravel_session", "_gorilla_csrf", "__Host-session",
	"__Secure-session",
}

// Snapshot is what the collector saw of one application.
type Snapshot struct {
	URL       string     `json:"url"`
	HTTP      *Response  `json:"http"`
	HTTPS     *Response  `json:"https"`
	Protected []Response `json:"protected,omitempty"`
}

// Response is one request's outcome: status, the headers that matter and
// the cookies' attributes. Bodies and cookie values are never kept.
type Response struct {
	URL          string   `json:"url"`
	Error        string   `json:"error,omitempty"`
	Refused      bool     `json:"refused,omitempty"` // nothing listens: not served
	Status       int      `json:"status,omitempty"`
	Location     string   `json:"location,omitempty"`
	HSTS         string   `json:"hsts,omitempty"`
	CacheControl string   `json:"cache_control,omitempty"`
	BodyBytes    int64    `json:"body_bytes"`
	Cookies      []Cookie `json:"cookies,omitempty"`
}

// Cookie holds a Set-Cookie's attributes, without its value.
type Cookie struct {
	Name     string `json:"name"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"http_only"`
	SameSite string `json:"same_site"` // "Strict", "Lax", "None" or "" when absent
	// MaxAge is the lifetime in seconds from Max-Age or Expires; -1 for a
	// browser-session cookie that carries neither.
	MaxAge int64 `json:"max_age"`
}

// maxBody bounds how much of a body is read (and counted, then dropped).
const maxBody = 1 << 20

// Collect requests the application at rawURL over HTTPS and its plain HTTP
// counterpart, and each protected page.
func Collect(ctx context.Context, rawURL string, o Options) (*Snapshot, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s: want an https:// URL", rawURL)
	}
	client := newClient(o)
	s := &Snapshot{URL: u.String()}
	s.HTTPS = fetch(ctx, client, u.String())
	if s.HTTPS.Error != "" && s.HTTPS.Status == 0 {
		return nil, errors.New(s.HTTPS.Error)
	}
	s.HTTP = fetch(ctx, client, httpURL(u, o))
	for _, p := range o.Protected {
		ref, err := url.Parse(p)
		if err != nil {
			return nil, fmt.Errorf("protected page %q: %v", p, err)
		}
		s.Protected = append(s.Protected, *fetch(ctx, client, u.ResolveReference(ref).String()))
	}
	return s, nil
}

func newClient(o Options) *http.Client {
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: timeout}).DialContext,
		TLSHandshakeTimeout: timeout,
		// The certificate is judged by the TLS checks (internal/tlsprobe);
		// here only the application's HTTP behaviour is read, and nothing
		// secret is sent, so an untrusted certificate must not hide it.
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10},
		DisableKeepAlives: true,
	}
	return &http.Client{
		Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// httpURL is where the application's plain HTTP is expected.
func httpURL(u *url.URL, o Options) string {
	if o.HTTPURL != "" {
		return o.HTTPURL
	}
	h := *u
	h.Scheme, h.Host = "http", u.Hostname()
	if strings.Contains(h.Host, ":") {
		h.Host = "[" + h.Host + "]"
	}
	return h.String()
}

// fetch makes one GET and records what matters; errors are kept in the
// response, never returned.
func fetch(ctx context.Context, c *http.Client, target string) *Response {
	r := &Response{URL: target}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	req.Header.Set("User-Agent", "kollguard")
	resp, err := c.Do(req)
	if err != nil {
		r.Error = fmt.Sprintf("GET %s: %v", target, errors.Unwrap(err))
		r.Refused = errors.Is(err, syscall.ECONNREFUSED)
		return r
	}
	defer resp.Body.Close()
	r.BodyBytes, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
	r.Status = resp.StatusCode
	r.Location = withoutQuery(resp.Header.Get("Location"))
	r.HSTS = resp.Header.Get("Strict-Transport-Security")
	r.CacheControl = strings.Join(resp.Header.Values("Cache-Control"), ", ")
	for _, ck := range resp.Cookies() {
		r.Cookies = append(r.Cookies, cookieOf(ck, time.Now()))
	}
	return r
}

func cookieOf(c *http.Cookie, now time.Time) Cookie {
	out := Cookie{Name: c.Name, Secure: c.Secure, HTTPOnly: c.HttpOnly, MaxAge: -1}
	switch c.SameSite {
	case http.SameSiteStrictMode:
		out.SameSite = "Strict"
	case http.SameSiteLaxMode:
		out.SameSite = "Lax"
	case http.SameSiteNoneMode:
		out.SameSite = "None"
	}
	switch {
	case c.MaxAge > 0:
		out.MaxAge = int64(c.MaxAge)
	case c.MaxAge < 0:
		out.MaxAge = 0 // deleted
	case !c.Expires.IsZero():
		out.MaxAge = max(0, int64(c.Expires.Sub(now).Seconds()))
	}
	return out
}

// withoutQuery keeps a redirect target's scheme, host and path: its query
// and fragment may carry a token or a session ID.
func withoutQuery(location string) string {
	u, err := url.Parse(location)
	if err != nil {
		return "(unparsable Location)"
	}
	u.RawQuery, u.Fragment, u.RawFragment, u.User = "", "", "", nil
	return u.String()
}
