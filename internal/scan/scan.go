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
	ApprovedWaivers map[string]bool
}

// Result is what scanning a list of targets produced, in target order.
type Result struct {
	Targets  []report.Target
	Findings []check.Finding
}

// Run scans every target concurrently, each within o.Timeout. It never
// fails as a whole: a target that cannot be read is reported as unreachable
// with error findings.
func Run(ctx context.Context, targets []Target, o Options, log *slog.Logger) Result {
	type one struct {
		target   report.Target
		findings []check.Finding
	}
	results := make([]one, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, o.Timeout)
			defer cancel()
			start := time.Now()
			rt := report.Target{Name: t.Name, Kind: t.Kind, Address: t.Address(),
				Status: report.Scanned}
			findings, err := scanners[t.Kind](ctx, t, o)
			if err != nil {
				rt.Status, rt.Error = report.Unreachable, err.Error()
			}
			log.Debug("scanned target", "target", t.Name, "status", rt.Status,
				"findings", len(findings), "took", time.Since(start).Round(time.Millisecond))
			results[i] = one{rt, findings}
		})
	}
	wg.Wait()
	var r Result
	for _, o := range results {
		r.Targets = append(r.Targets, o.target)
		r.Findings = append(r.Findings, o.findings...)
	}
	return r
}

// scanner reads one kind of target. An error means the target could not be
// reached; the findings then say so check by check.
type scanner func(ctx context.Context, t Target, o Options) ([]check.Finding, error)

var scanners = map[string]scanner{
	KindPostgres: scanPostgres,
	KindTLS:      scanTLS,
	KindWebApp:   scanWebApp,
	KindFiles:    scanFiles,
}

// scanPostgres reads the server's catalogs and, when it has ssl on, probes
// its TLS through the SSLRequest handshake.
func scanPostgres(ctx context.Context, t Target, o Options) ([]check.Finding, error) {
	snap, err := postgres.Collect(ctx, postgres.Conn{URL: t.URL, Password: t.Password})
	if err != nil {
		return postgres.Unreachable(t.Name, err), err
	}
	opts := t.Postgres
	opts.BreakGlassRole = t.BreakGlassRole
	findings := postgres.Evaluate(snap, t.Name, opts)
	if s, ok := snap.Settings["ssl"]; !ok || s.Value != "on" {
		return findings, nil
	}
	tlsFindings, _ := probe(ctx, t, o)
	return append(findings, tlsFindings...), nil
}

func scanTLS(ctx context.Context, t Target, o Options) ([]check.Finding, error) {
	return probe(ctx, t, o)
}

// scanWebApp probes the application's TLS and checks its HTTP behaviour.
func scanWebApp(ctx context.Context, t Target, o Options) ([]check.Finding, error) {
	findings, err := probe(ctx, t, o)
	if err != nil {
		return append(findings, webapp.Unreachable(t.Name, err)...), err
	}
	snap, err := webapp.Collect(ctx, t.URL, t.Web)
	if err != nil {
		return append(findings, webapp.Unreachable(t.Name, err)...), nil
	}
	return append(findings, webapp.Evaluate(snap, t.Name, t.Web)...), nil
}

// probe runs the TLS prober on the target's endpoint.
func probe(ctx context.Context, t Target, o Options) ([]check.Finding, error) {
	ep, err := tlsprobe.ParseEndpoint(t.URL)
	if err != nil {
		return tlsprobe.Unreachable(t.Name, err), err
	}
	snap, err := tlsprobe.Probe(ctx, ep, o.TLS)
	if err != nil {
		return tlsprobe.Unreachable(t.Name, err), err
	}
	return tlsprobe.Evaluate(snap, t.Name, o.TLS), nil
}
