package postgres

import (
	"fmt"

	"github.com/kollguard/kollguard/internal/check"
)

// Options tune Evaluate for one target.
type Options struct {
	// BreakGlassRole names the declared emergency-access role
	// (164.312(a)(2)(ii)); empty means none is declared.
	BreakGlassRole string
}

// Evaluate runs every check on s and returns their findings. It is pure:
// the same snapshot and options give the same findings. Every check yields
// at least one finding (pass, fail or unknown with the reason), so a report
// can tell that it ran.
func Evaluate(s *Snapshot, target string, opts Options) []check.Finding {
	var out []check.Finding
	for _, e := range table {
		got := e.eval(e.Check, s, target, opts)
		if len(got) == 0 {
			got = []check.Finding{e.Result(target, "server", check.Unknown,
				"the check produced no result")}
		}
		out = append(out, got...)
	}
	return out
}

// Unreachable returns one finding with status error per check, for a target
// that could not be collected. err's text is the message; Collect keeps
// passwords out of it.
func Unreachable(target string, err error) []check.Finding {
	out := make([]check.Finding, 0, len(table))
	for _, e := range table {
		f := e.Result(target, "server", check.Error, fmt.Sprintf("collecting %s: %v", target, err))
		out = append(out, f)
	}
	return out
}
