package scan

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/inline"
	"github.com/kollguard/kollguard/internal/manifest"
	"github.com/kollguard/kollguard/internal/postgres"
	"github.com/kollguard/kollguard/internal/report"
	"github.com/kollguard/kollguard/internal/secrets"
	"github.com/kollguard/kollguard/internal/serverconf"
	"github.com/kollguard/kollguard/internal/terraform"
	"github.com/kollguard/kollguard/internal/tlsprobe"
	"github.com/kollguard/kollguard/internal/webapp"
)

// Checks returns every check KollGuard knows, of every target kind.
func Checks() *check.Set {
	return check.NewSet(postgres.Checks(), tlsprobe.Checks(), webapp.Checks(),
		terraform.Checks(), manifest.Checks(), serverconf.Checks(), secrets.Checks(),
		inline.Checks(), []check.Check{checkFiles})
}

// Options apply to every target of a scan.
type Options struct {
	// Timeout bounds the scan of one target.
	Timeout time.Duration
	// TLS tunes every TLS probe: of tls:// and https:// targets and of
	// PostgreSQL servers that have ssl on.
	TLS tlsprobe.Options
	// Terraform sets variables for Terraform root modules.
	Terraform terraform.Options
	// ApprovedWaivers are the waiver IDs of the config; an inline mark in a
	// file that names any other is itself a finding.
	ApprovedWaivers map[string]string // waiver ID to its check
}

// Result is what scanning a list of targets produced, in target order.
// Evidence holds what was collected from each network target, for saving.
type Result struct {
	Targets  []report.Target
	Findings []check.Finding
	Evidence []*Evidence
}

// Run scans every target concurrently, each within o.Timeout. It never
// fails as a whole: a target that cannot be read is reported as unreachable
// with error findings.
func Run(ctx context.Context, targets []Target, o Options, log *slog.Logger) Result {
	type one struct {
		target   report.Target
		findings []check.Finding
		evidence *Evidence
	}
	results := make([]one, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, o.Timeout)
			defer cancel()
			start := time.Now()
			var r one
			if t.Kind == KindFiles {
				r.target, r.findings = scanFilesTarget(ctx, t, o)
			} else {
				r.evidence = Collect(ctx, t, o)
				r.target, r.findings = Judge(r.evidence, o)
			}
			log.Debug("scanned target", "target", t.Name, "status", r.target.Status,
				"findings", len(r.findings), "took", time.Since(start).Round(time.Millisecond))
			results[i] = r
		})
	}
	wg.Wait()
	var r Result
	for _, o := range results {
		r.Targets = append(r.Targets, o.target)
		r.Findings = append(r.Findings, o.findings...)
		if o.evidence != nil {
			r.Evidence = append(r.Evidence, o.evidence)
		}
	}
	return r
}

// scanFilesTarget reads a directory or file target; its files are its
// evidence, so nothing is kept to save.
func scanFilesTarget(ctx context.Context, t Target, o Options) (report.Target, []check.Finding) {
	rt := report.Target{Name: t.Name, Kind: t.Kind, Address: t.Address(),
		Status: report.Scanned}
	findings, err := scanFiles(ctx, t, o)
	if err != nil {
		rt.Status, rt.Error = report.Unreachable, err.Error()
		findings = append(findings, checkFiles.Resultf(t.Name, t.URL, check.Error,
			"could not read %s: %v", t.URL, err))
	}
	return rt, findings
}
