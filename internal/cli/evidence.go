package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kollguard/kollguard/internal/scan"
)

// readEvidence loads the --from files; a file that is not evidence is a
// usage error naming it.
func readEvidence(paths []string) ([]*scan.Evidence, error) {
	var out []*scan.Evidence
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, usagef("--from: %w", err)
		}
		ev, err := scan.ReadEvidence(f)
		f.Close()
		if err != nil {
			return nil, usagef("--from %s: %w", p, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// judgeEvidence judges saved evidence as a scan would have judged it.
func judgeEvidence(evidence []*scan.Evidence, o scan.Options) scan.Result {
	var res scan.Result
	for _, ev := range evidence {
		rt, findings := scan.Judge(ev, o)
		rt.CollectedAt = &ev.CollectedAt
		res.Targets = append(res.Targets, rt)
		res.Findings = append(res.Findings, findings...)
	}
	return res
}

// saveEvidence writes each target's evidence to dir/NAME.json, through the
// same masking of secrets as every other output.
func (e *env) saveEvidence(dir string, evidence []*scan.Evidence) error {
	if dir == "" || len(evidence) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("--save-evidence: %w", err)
	}
	for _, ev := range evidence {
		path := filepath.Join(dir, ev.Target.Name+".json")
		// Evidence holds no password by construction; only the collectors'
		// error texts come from outside, and those are masked. Masking the
		// whole file would rewrite any word that equals a password.
		clean := *ev
		clean.Errors = map[string]string{}
		for k, v := range ev.Errors {
			clean.Errors[k] = e.secrets.Redact(v)
		}
		var buf bytes.Buffer
		if err := scan.WriteEvidence(&buf, &clean); err != nil {
			return err
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("saving evidence: %w", err)
		}
	}
	return nil
}
