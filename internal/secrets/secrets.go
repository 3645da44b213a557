// Package secrets finds keys and secrets left in configuration files: cloud
// access keys, API tokens, private keys, passwords in connection strings.
// It runs the detector of gitleaks with its default rules and reports the
// file, the line and the rule that matched, never the secret itself: not
// the match, not a prefix, not a hash of it.
//
// A secret in a file is readable by everyone with the repository and its
// history, and is never rotated; keys belong in a key management service
// (164.312(a)(2)(iv)) and credentials in a secret store (164.312(d)).
package secrets

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	"github.com/zricethezav/gitleaks/v8/report"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile"
)

// BUG(kollguard): only the files as they are now are searched, not the
// version-control history, where a secret removed from a file still lives.

var inFile = check.Check{
	ID:    "secrets.in-file",
	Kind:  "files",
	Title: "No keys or secrets are left in files",
	Rationale: "A key, token or password written into a file is readable by everyone with " +
		"the repository and its history and is never rotated; manage keys with a real KMS, " +
		"not a config file (164.312(a)(2)(iv), 164.312(d); NIST SP 800-57 Part 1 6.2.2, " +
		"CIS Controls v8 3.11).",
	Remediation: "Remove the secret from the file and its history, rotate it, and load it at " +
		"run time from a KMS or secret store (AWS Secrets Manager, Azure Key Vault, GCP " +
		"Secret Manager, Vault, Kubernetes Secrets with KMS encryption).",
	Severity:   check.High,
	Safeguards: []string{"164.312(a)(2)(iv)", "164.312(d)"},
}

// Checks returns the check of this package.
func Checks() []check.Check { return []check.Check{inFile} }

// detector is gitleaks' detector with its default rules, built once: its
// configuration loader uses process-wide state.
var detector = sync.OnceValues(func() (*detect.Detector, error) {
	logging.Logger = zerolog.Nop() // it would log to stderr, with paths
	return detect.NewDetectorDefaultConfig()
})

// detectMu serialises calls into the detector, which is not documented as
// safe for concurrent use.
var detectMu sync.Mutex

// detectLocked runs the detector on one file, one call at a time, and turns
// a panic inside it into an error naming the file.
func detectLocked(d *detect.Detector, path string, data []byte) (found []report.Finding,
	err error) {
	detectMu.Lock()
	defer detectMu.Unlock()
	defer func() {
		if recover() != nil {
			found, err = nil, fmt.Errorf("%s: the gitleaks detector failed on this file", path)
		}
	}()
	return d.Detect(detect.Fragment{Raw: string(data), FilePath: path}), nil
}

// hit is one rule matching on one line.
type hit struct {
	Rule string
	Line int
}

// find returns the rules that match in data, gitleaks' and this package's
// own, by line, without the matched text. path, relative and
// slash-separated, lets rules that depend on the file name apply.
func find(path string, data []byte) ([]hit, error) {
	d, err := detector()
	if err != nil {
		return nil, fmt.Errorf("loading the gitleaks rules: %w", err)
	}
	found, err := detectLocked(d, path, data)
	if err != nil {
		return nil, err
	}
	seen := map[hit]bool{}
	var out []hit
	all := localRules(data)
	for _, f := range found {
		all = append(all, hit{Rule: f.RuleID, Line: f.StartLine + 1})
	}
	for _, h := range all {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Rule < out[j].Rule
	})
	return out, nil
}

// Scan looks for secrets in the files of paths (relative to root) and
// returns a failing finding for every rule matching on a line, located
// there, or one passing finding when none matched. A file that cannot be
// read, or is larger than scanfile.MaxSize, yields an error finding naming it.
// The error is only for a root that is not a directory.
func Scan(target, root string, paths []string) ([]check.Finding, error) {
	sorted, err := scanfile.Paths(root, paths)
	if err != nil {
		return nil, err
	}
	var out []check.Finding
	scanned := 0
	for _, p := range sorted {
		data, err := scanfile.Read(root, p)
		if err == nil {
			var hits []hit
			hits, err = find(p, data)
			out = append(out, failures(target, p, hits)...)
			scanned++
		}
		if err != nil {
			out = append(out, inFile.Result(target, p, check.Error, err.Error()).At(p, 0))
		}
	}
	if len(out) == 0 {
		out = append(out, inFile.Resultf(target, "files", check.Pass,
			"no key or secret found in %d files", scanned).With("files", scanned))
	}
	return out, nil
}

// failures turns hits into findings: the rule, never the text.
func failures(target, path string, hits []hit) []check.Finding {
	out := make([]check.Finding, 0, len(hits))
	for _, h := range hits {
		f := inFile.Resultf(target, path, check.Fail, "%s:%d: a secret matching rule %s "+
			"is written in the file", path, h.Line, h.Rule)
		out = append(out, f.With("rule", h.Rule).With("line", h.Line).At(path, h.Line))
	}
	return out
}

// configExts are the extensions of files that hold configuration.
var configExts = map[string]bool{
	".yaml": true, ".yml": true, ".json": true, ".conf": true, ".cfg": true, ".cnf": true,
	".ini": true, ".env": true, ".properties": true, ".toml": true, ".tf": true,
	".tfvars": true, ".hcl": true, ".xml": true, ".pem": true, ".key": true, ".p8": true,
	".sh": true, ".bash": true, ".ps1": true, ".sql": true, ".txt": true, ".config": true,
	".npmrc": true, ".pypirc": true, ".netrc": true, ".pgpass": true, ".htpasswd": true,
}

// configNames are files known by name.
var configNames = map[string]bool{
	"dockerfile": true, "containerfile": true, "sshd_config": true, "ssh_config": true,
	"pg_hba.conf": true, "id_rsa": true, "id_ecdsa": true, "id_ed25519": true, "id_dsa": true,
	".env": true, ".npmrc": true, ".pypirc": true, ".netrc": true, ".pgpass": true,
	".git-credentials": true, ".dockercfg": true, "credentials": true,
}

// skipNames are lock files and checksums: long random-looking strings that
// are not secrets.
var skipNames = map[string]bool{
	"go.sum": true, "package-lock.json": true, "yarn.lock": true, "pnpm-lock.yaml": true,
	"cargo.lock": true, "poetry.lock": true, "gemfile.lock": true, "composer.lock": true,
	".terraform.lock.hcl": true,
}

// Match reports whether path (slash-separated, relative to the scanned
// directory) is a configuration or key file to search: known names and
// extensions, .env.* files, and no binary content in head, the first bytes.
func Match(path string, head []byte) bool {
	base := strings.ToLower(filepath.Base(filepath.FromSlash(path)))
	if skipNames[base] || bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	return configNames[base] || configExts[filepath.Ext(base)] ||
		strings.HasPrefix(base, ".env.") || strings.HasPrefix(base, "id_rsa")
}
