package redact

import (
	"net/url"
	"strings"
)

// passwordParams are the query parameters of a connection URL that carry a
// secret (libpq's password and sslpassword).
var passwordParams = []string{"password", "sslpassword"}

// HasURLPassword reports whether raw carries a password, as user:password@
// in its authority or as a password parameter in its query, even when raw
// does not parse as a URL.
func HasURLPassword(raw string) bool {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme == "" {
		return false
	}
	authority, query := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		query = rest[i+1:]
		if j := strings.IndexByte(query, '#'); j >= 0 {
			query = query[:j]
		}
	}
	at := strings.LastIndex(authority, "@")
	return at >= 0 && strings.Contains(authority[:at], ":") || queryHasPassword(query)
}

// queryHasPassword finds a password parameter in a raw query, even one
// whose value does not decode.
func queryHasPassword(query string) bool {
	isSep := func(r rune) bool { return r == '&' || r == ';' }
	for _, part := range strings.FieldsFunc(query, isSep) {
		key, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if isPasswordParam(key) {
			return true
		}
	}
	return false
}

func isPasswordParam(key string) bool {
	for _, p := range passwordParams {
		if strings.EqualFold(key, p) {
			return true
		}
	}
	return false
}

// TakeURLPassword removes the password from u, from its user information or
// its query, and returns it; "" when u carries none.
func TakeURLPassword(u *url.URL) string {
	var password string
	if p, ok := u.User.Password(); ok {
		password = p
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for key, vals := range q {
		if isPasswordParam(key) {
			if password == "" && len(vals) > 0 {
				password = vals[0]
			}
			q.Del(key)
		}
	}
	if queryHasPassword(u.RawQuery) {
		u.RawQuery = q.Encode()
	}
	return password
}

// URL returns raw with any password masked, for messages about it; a raw
// that does not parse keeps only its scheme.
func URL(raw string) string {
	if !strings.Contains(raw, "://") {
		// Not a URL as written (postgres:/u:pw@h, u:pw@h): mask whatever
		// stands between the first colon and the last @.
		i, j := strings.IndexByte(raw, ':'), strings.LastIndexByte(raw, '@')
		if i >= 0 && i < j {
			return raw[:i+1] + Mask + raw[j:]
		}
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		if scheme, _, ok := strings.Cut(raw, "://"); ok && !strings.ContainsAny(scheme, "/@:") {
			return scheme + "://" + Mask
		}
		if HasURLPassword(raw) {
			return Mask
		}
		return raw
	}
	if TakeURLPassword(u) != "" && u.User != nil {
		u.User = url.UserPassword(u.User.Username(), Mask)
	}
	return u.String()
}
