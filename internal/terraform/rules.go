package terraform

import (
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// Safeguard citations the Terraform checks are evidence for.
var (
	sgEncrypt   = []string{"164.312(a)(2)(iv)"}
	sgAccess    = []string{"164.312(a)(1)"}
	sgLogoff    = []string{"164.312(a)(2)(iii)"}
	sgAudit     = []string{"164.312(b)"}
	sgLogIntegr = []string{"164.312(b)", "164.312(c)(2)"}
	sgIntegrity = []string{"164.312(c)(1)"}
	sgAuth      = []string{"164.312(d)"}
	sgTransit   = []string{"164.312(e)(1)", "164.312(e)(2)(ii)"}
	sgTLS       = []string{"164.312(e)(2)(ii)"}
	sgBackup    = []string{"164.308(a)(7)(ii)(A)"}
	sgPassword  = []string{"164.312(d)", "164.308(a)(5)(ii)(D)"}
	sgReview    = []string{"164.312(b)", "164.308(a)(1)(ii)(D)"}
)

// sgs joins lists of safeguards into a new slice.
func sgs(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// notApplicable is the verdict of a check on a resource it does not judge
// (an HTTP listener has no TLS policy); it produces no finding.
var notApplicable = verdict{}

// oneOf judges a string argument against an allow-list; def is the
// provider's default when it is not set.
func oneOf(what string, ok func(string) bool, def string, path ...any) func(*index,
	*Resource) verdict {
	return func(_ *index, r *Resource) verdict {
		return judgeOneOf(r.get(path...), what, ok, def)
	}
}

func judgeOneOf(v val, what string, ok func(string) bool, def string) verdict {
	if v.unknown {
		return unsure(v, what)
	}
	s, isText := v.text()
	if !v.set || !isText || s == "" {
		if def == "" {
			return fail("%s is not set", what)
		}
		s = def
		if ok(s) {
			return pass("%s is the default %s", what, s).with("value", s)
		}
		return fail("%s is the default %s", what, s).with("value", s)
	}
	if ok(s) {
		return pass("%s is %s", what, s).with("value", s)
	}
	return fail("%s is %s", what, s).with("value", s)
}

// among returns an allow-list predicate of exact values, case-insensitive.
func among(allowed ...string) func(string) bool {
	return func(s string) bool {
		for _, a := range allowed {
			if strings.EqualFold(a, s) {
				return true
			}
		}
		return false
	}
}

// atLeast judges a numeric argument that must be at least min; def is the
// provider's default when it is not set.
func atLeast(what string, min, def float64, path ...any) func(*index, *Resource) verdict {
	return func(_ *index, r *Resource) verdict {
		v := r.get(path...)
		if v.unknown {
			return unsure(v, what)
		}
		n, ok := v.number()
		label := "is"
		if !v.set {
			n, ok, label = def, true, "defaults to"
		}
		switch {
		case !ok:
			return fail("%s is not a number", what)
		case n >= min:
			return pass("%s %s %g", what, label, n).with("value", n)
		}
		return fail("%s %s %g, below %g", what, label, n, min).with("value", n)
	}
}

// anyOf passes when one of the judges passes; otherwise the first unknown,
// otherwise the first failure, is the verdict.
func anyOf(judges ...func(*index, *Resource) verdict) func(*index, *Resource) verdict {
	return func(x *index, r *Resource) verdict {
		var first, unk *verdict
		for _, j := range judges {
			v := j(x, r)
			switch v.status {
			case check.Pass:
				return v
			case check.Unknown:
				if unk == nil {
					unk = &v
				}
			default:
				if first == nil {
					first = &v
				}
			}
		}
		if unk != nil {
			return *unk
		}
		return *first
	}
}

// allOf fails on the first failing judge, then reports the first unknown,
// and passes when all pass.
func allOf(judges ...func(*index, *Resource) verdict) func(*index, *Resource) verdict {
	return func(x *index, r *Resource) verdict {
		var unk *verdict
		var msgs []string
		for _, j := range judges {
			v := j(x, r)
			switch v.status {
			case check.Fail:
				return v
			case check.Unknown:
				if unk == nil {
					unk = &v
				}
			case check.Pass:
				msgs = append(msgs, v.msg)
			}
		}
		if unk != nil {
			return *unk
		}
		return pass("%s", strings.Join(msgs, "; "))
	}
}

// forEachItem judges every element of a list argument (blocks or values);
// all must pass. An empty list is judged by onEmpty.
func forEachItem(what string, onEmpty verdict, path []any,
	judge func(item val) verdict) func(*index, *Resource) verdict {
	return func(_ *index, r *Resource) verdict {
		v := r.get(path...)
		if v.unknown {
			return unsure(v, what)
		}
		items := v.items()
		if len(items) == 0 {
			return onEmpty
		}
		var unk *verdict
		for _, it := range items {
			iv := walk(it)
			res := judge(iv)
			switch res.status {
			case check.Fail:
				return res
			case check.Unknown:
				if unk == nil {
					unk = &res
				}
			}
		}
		if unk != nil {
			return *unk
		}
		return pass("every %s passes", what)
	}
}
