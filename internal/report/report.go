// Package report renders an assessment for people and machines. The JSON
// envelope (schema_version 1, DESIGN.md) is the source of every format: text,
// JSON and SARIF all render the same Report value.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/kollguard/kollguard/internal/assess"
	"github.com/kollguard/kollguard/internal/check"
)

// SchemaVersion is the version of the JSON envelope. Changing the meaning of
// a field bumps it.
const SchemaVersion = 1

// Report is the machine-readable envelope.
type Report struct {
	SchemaVersion int                `json:"schema_version"`
	Tool          Tool               `json:"tool"`
	StartedAt     time.Time          `json:"started_at"`
	FinishedAt    time.Time          `json:"finished_at"`
	Targets       []Target           `json:"targets"`
	Summary       Summary            `json:"summary"`
	Safeguards    []assess.Safeguard `json:"safeguards"`
	Findings      []check.Finding    `json:"findings"`
	// Checks describes every check a finding refers to; text and SARIF
	// reports take titles and remediation from it.
	Checks []check.Check `json:"checks"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target statuses.
const (
	Scanned     = "scanned"
	Unreachable = "unreachable"
	// Refused: the target answered but refused the scanner's login.
	Refused = "refused"
)

// Target is one scanned target. Address never carries a secret.
type Target struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Address string `json:"address"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
	// CollectedAt is when the evidence was read, for a report judged from
	// saved evidence (scan --from); absent for a live scan.
	CollectedAt *time.Time `json:"collected_at,omitempty"`
}

// Summary counts safeguards by verdict and says what the exit code will be.
type Summary struct {
	Verdicts map[assess.Verdict]int `json:"verdicts"`
	// NotShown counts the safeguards outside 164.312 that no finding or
	// decision speaks to, left out unless --all.
	NotShown int            `json:"not_shown"`
	FailOn   assess.Verdict `json:"fail_on"` // gap, unverified or never
	// NotScanned counts the targets that were unreachable or refused the
	// login: nothing was assessed there, so the run does not pass.
	NotScanned int  `json:"not_scanned"`
	Passed     bool `json:"passed"`
}

// New builds a report of a.
func New(tool Tool, started, finished time.Time, targets []Target, a *assess.Assessment,
	checks *check.Set, failOn assess.Verdict) *Report {
	r := &Report{
		SchemaVersion: SchemaVersion, Tool: tool,
		StartedAt: started.UTC(), FinishedAt: finished.UTC(),
		Targets: targets, Safeguards: a.Safeguards, Findings: a.Findings,
		Summary: Summary{Verdicts: a.Count(), NotShown: a.NotShown, FailOn: failOn},
	}
	for _, t := range targets {
		if t.Status != Scanned {
			r.Summary.NotScanned++
		}
	}
	r.Summary.Passed = failOn == "" || (Passes(a, failOn) && r.Summary.NotScanned == 0)
	if failOn == "" {
		r.Summary.FailOn = Never
	}
	seen := map[string]bool{}
	for _, f := range a.Findings {
		if c, ok := checks.Lookup(f.Check); ok && !seen[f.Check] {
			seen[f.Check] = true
			r.Checks = append(r.Checks, c)
		}
	}
	if r.Targets == nil {
		r.Targets = []Target{}
	}
	if r.Findings == nil {
		r.Findings = []check.Finding{}
	}
	return r
}

// Never is the --fail-on threshold no verdict reaches.
const Never assess.Verdict = "never"

// Passes reports whether no safeguard's verdict reaches failOn. failOn is
// Gap, Unverified, or "" for never.
func Passes(a *assess.Assessment, failOn assess.Verdict) bool {
	if failOn == "" {
		return true
	}
	return assess.Rank(a.Worst()) < assess.Rank(failOn)
}

// Formats lists the formats Write knows.
var Formats = []string{"text", "json", "sarif"}

// Write renders r in format to w. color enables ANSI colour in text.
func Write(w io.Writer, r *Report, format string, color bool) error {
	switch format {
	case "text":
		return writeText(w, r, color)
	case "json":
		return WriteJSON(w, r)
	case "sarif":
		return writeSARIF(w, r)
	}
	return fmt.Errorf("unknown format %q (want one of text, json, sarif)", format)
}

// WriteJSON writes v as indented JSON, as every JSON output of the tool does.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
