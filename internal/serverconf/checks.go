package serverconf

import (
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/postgres"
)

// Safeguard citations the checks are evidence for (45 CFR 164.312).
var (
	sgTransmission = []string{"164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"}
	sgLogoff       = []string{"164.312(a)(2)(iii)"}
	sgAuth         = []string{"164.312(d)"}
	sgUnique       = []string{"164.312(a)(2)(i)"}
	sgCrypto       = []string{"164.312(e)(2)(i)", "164.312(e)(2)(ii)"}
)

// finding is what a rule says about one place in a configuration.
type finding struct {
	status check.Status
	at     *directive
	msg    string
	// resource overrides the subject's resource name: a Match block.
	resource string
}

// mk returns a finding of status at a directive.
func mk(status check.Status, at *directive, msg string) finding {
	return finding{status: status, at: at, msg: msg}
}

// rule pairs a check with its evaluator over a subject: an nginx server
// block, an sshd configuration.
type rule[T any] struct {
	check.Check
	eval func(c check.Check, subject T) []finding
}

func def(id, kind, title string, sev check.Severity, sg []string, why, fix string) check.Check {
	return check.Check{ID: id, Kind: kind, Title: title, Rationale: why, Remediation: fix,
		Severity: sev, Safeguards: sg}
}

// Checks returns the nginx and sshd checks of this package. PostgreSQL
// configuration files are judged by postgres.Checks.
func Checks() []check.Check {
	var out []check.Check
	for _, r := range nginxChecks {
		out = append(out, r.Check)
	}
	for _, r := range sshdChecks {
		out = append(out, r.Check)
	}
	return out
}

// run applies rules to a subject and turns what they say into located
// findings about resource.
func run[T any](rules []rule[T], subject T, target, resource string) []check.Finding {
	var out []check.Finding
	for _, r := range rules {
		for _, f := range r.eval(r.Check, subject) {
			res := resource
			if f.resource != "" {
				res = f.resource
			}
			out = append(out, r.Result(target, res, f.status, f.msg).
				At(f.at.File, f.at.Line))
		}
	}
	return out
}

// failAll returns an error finding for every check of rules, for a file
// that could not be read or parsed.
func failAll[T any](rules []rule[T], target, path string, err error) []check.Finding {
	out := make([]check.Finding, 0, len(rules))
	for _, r := range rules {
		out = append(out, r.Result(target, path, check.Error, err.Error()).At(path, 0))
	}
	return out
}

// postgresError returns an error finding for every PostgreSQL check.
func postgresError(target, path string, err error) []check.Finding {
	out := postgres.Unreachable(target, err)
	for i := range out {
		out[i].Message = err.Error()
		out[i].Resource = path
		out[i] = out[i].At(path, 0)
	}
	return out
}
