package terraform

import (
	"strconv"
	"strings"
)

// val is the value found at a path in a resource's attributes.
type val struct {
	v       any
	set     bool     // present and not null (possibly unknown)
	unknown bool     // not known statically
	why     string   // for an unknown value: the expression, file:line
	from    []string // for an unknown value: the resources it is computed from
}

// get walks path (argument names and list indexes) through r's
// attributes. A nested block written as an object (JSON syntax) answers
// index 0 itself.
func (r *Resource) get(path ...any) val {
	return walk(r.Attributes, path...)
}

func walk(cur any, path ...any) val {
	for _, step := range path {
		if why, ok := isUnknown(cur); ok {
			return val{set: true, unknown: true, why: why, from: unknownFrom(cur)}
		}
		switch s := step.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return val{}
			}
			cur = m[s]
		case int:
			switch c := cur.(type) {
			case []any:
				if s < 0 || s >= len(c) {
					return val{}
				}
				cur = c[s]
			case map[string]any:
				if s != 0 {
					return val{}
				}
			default:
				return val{}
			}
		}
	}
	if why, ok := isUnknown(cur); ok {
		return val{v: cur, set: true, unknown: true, why: why, from: unknownFrom(cur)}
	}
	return val{v: cur, set: cur != nil}
}

// boolean reads a boolean (or "true"/"false"); known is false when the
// value is unknown or of another type.
func (v val) boolean() (b, known bool) {
	switch t := v.v.(type) {
	case bool:
		return t, true
	case string:
		p, err := strconv.ParseBool(t)
		return p, err == nil
	}
	return false, false
}

// number reads a number (or numeric text).
func (v val) number() (float64, bool) {
	switch t := v.v.(type) {
	case float64:
		return t, true
	case string:
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	return 0, false
}

// text reads a string (numbers and booleans as text).
func (v val) text() (string, bool) {
	switch t := v.v.(type) {
	case string:
		return t, true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(t), true
	}
	return "", false
}

// items reads a list, or a single object as a list of one.
func (v val) items() []any {
	switch t := v.v.(type) {
	case []any:
		return t
	case map[string]any:
		if _, ok := isUnknown(t); !ok {
			return []any{t}
		}
	}
	return nil
}

// empty reports whether v is unset, null, "" or an empty list.
func (v val) empty() bool {
	if !v.set {
		return true
	}
	if v.unknown {
		return false
	}
	switch t := v.v.(type) {
	case string:
		return strings.TrimSpace(t) == ""
	case []any:
		return len(t) == 0
	}
	return false
}

// isTrue judges a boolean argument that must be true; def is the
// provider's default when it is not set.
func isTrue(what string, def bool, path ...any) func(*index, *Resource) verdict {
	return func(_ *index, r *Resource) verdict {
		v := r.get(path...)
		switch {
		case !v.set && def:
			return pass("%s is on by default", what)
		case !v.set:
			return fail("%s is not set (off by default)", what)
		case v.unknown:
			return unsure(v, what)
		}
		b, ok := v.boolean()
		if !ok || !b {
			return fail("%s is off", what).with(argName(path), v.v)
		}
		return pass("%s is on", what)
	}
}

// isFalse judges a boolean argument that must be false.
func isFalse(what string, def bool, path ...any) func(*index, *Resource) verdict {
	return func(_ *index, r *Resource) verdict {
		v := r.get(path...)
		switch {
		case !v.set && def:
			return fail("%s is on by default", what)
		case !v.set:
			return pass("%s is off by default", what)
		case v.unknown:
			return unsure(v, what)
		}
		if b, ok := v.boolean(); ok && !b {
			return pass("%s is off", what)
		}
		return fail("%s is on", what).with(argName(path), v.v)
	}
}

// isSet judges an argument that must name something, typically a key. A
// value computed from another resource (a key's ARN) is set even though its
// text is not known yet.
func isSet(what string, path ...any) func(*index, *Resource) verdict {
	return func(_ *index, r *Resource) verdict {
		return judgeSet(r.get(path...), what)
	}
}

func judgeSet(v val, what string) verdict {
	switch {
	case v.unknown && len(v.from) > 0:
		return pass("%s is set from %s", what, strings.Join(v.from, ", ")).
			with("from", v.from)
	case v.unknown:
		return unsure(v, what)
	case v.empty():
		return fail("%s is not set", what)
	}
	return pass("%s is set", what)
}

// argName renders a path as an argument name for evidence.
func argName(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch s := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s)
		case int:
			b.WriteString("[" + strconv.Itoa(s) + "]")
		}
	}
	return b.String()
}
