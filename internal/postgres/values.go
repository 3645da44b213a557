package postgres

import (
	"strconv"
	"strings"
)

// This file reads setting values the way the server does: as shown by
// pg_settings ("on", "0", "TLSv1.2") or as stored in pg_db_role_setting
// ("5min", "'none'").

func clean(v string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), `'"`))
}

// boolOn reports whether v is a true boolean value.
func boolOn(v string) bool {
	switch clean(v) {
	case "on", "true", "yes", "1", "t", "y", "tr", "tru", "ye":
		return true
	}
	return false
}

// positive reports whether a duration or number such as "0", "900000" or
// "5min" is greater than zero.
func positive(v string) bool {
	s := clean(v)
	end := 0
	for end < len(s) && (s[end] == '.' || s[end] == '-' || s[end] == '+' ||
		(s[end] >= '0' && s[end] <= '9')) {
		end++
	}
	n, err := strconv.ParseFloat(s[:end], 64)
	return err == nil && n > 0
}

var tlsRank = map[string]int{"tlsv1": 10, "tlsv1.1": 11, "tlsv1.2": 12, "tlsv1.3": 13}

func tlsAtLeast12(v string) bool { return tlsRank[clean(v)] >= 12 }

func isSCRAM(v string) bool { return clean(v) == "scram-sha-256" }

// prefixIdentifies reports whether a log_line_prefix records the user, the
// database, the client and the time.
func prefixIdentifies(v string) bool {
	esc := escapes(v)
	return esc['u'] && esc['d'] && (esc['h'] || esc['r']) && (esc['t'] || esc['m'] || esc['n'])
}

// escapes returns the % escapes of a log_line_prefix, skipping %% and the
// padding digits of forms such as %-10u.
func escapes(v string) map[byte]bool {
	out := map[byte]bool{}
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			continue
		}
		i++
		for i < len(v) && (v[i] == '-' || (v[i] >= '0' && v[i] <= '9')) {
			i++
		}
		if i < len(v) && v[i] != '%' {
			out[v[i]] = true
		}
	}
	return out
}

// list splits a comma-separated setting into lower-case items.
func list(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = clean(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func preloadsPgaudit(v string) bool {
	for _, lib := range list(v) {
		if lib == "pgaudit" || strings.HasSuffix(lib, "/pgaudit") {
			return true
		}
	}
	return false
}

var pgauditAll = []string{"read", "write", "function", "role", "ddl", "misc", "misc_set"}

// auditClasses computes the classes a pgaudit.log value enables: "all",
// "none", and "-class" exclusions apply in order.
func auditClasses(v string) map[string]bool {
	on := map[string]bool{}
	for _, item := range list(v) {
		switch {
		case item == "none":
			clear(on)
		case item == "all":
			for _, c := range pgauditAll {
				on[c] = true
			}
		case strings.HasPrefix(item, "-"):
			if item == "-all" {
				clear(on)
			}
			delete(on, item[1:])
		default:
			on[item] = true
		}
	}
	return on
}

func auditsReadWrite(v string) bool {
	c := auditClasses(v)
	return c["read"] && c["write"]
}
