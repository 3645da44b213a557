package scan

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/postgres"
	"github.com/kollguard/kollguard/internal/report"
)

// Checks returns every check KollGuard knows, of every target kind.
func Checks() *check.Set {
	return check.NewSet(postgres.Checks())
}

// Result is what scanning a list of targets produced, in target order.
type Result struct {
	Targets  []report.Target
	Findings []check.Finding
}

// Run scans every target concurrently; each gets at most timeout. It never
// fails as a whole: a target that cannot be read is reported as unreachable
// with error findings.
func Run(ctx context.Context, targets []Target, timeout time.Duration, log *slog.Logger) Result {
	type one struct {
		target   report.Target
		findings []check.Finding
	}
	results := make([]one, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			start := time.Now()
			rt, findings := scanOne(ctx, t)
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

func scanOne(ctx context.Context, t Target) (report.Target, []check.Finding) {
	rt := report.Target{Name: t.Name, Kind: t.Kind, Address: t.Address(), Status: report.Scanned}
	snap, err := postgres.Collect(ctx, postgres.Conn{URL: t.URL, Password: t.Password})
	if err != nil {
		rt.Status, rt.Error = report.Unreachable, err.Error()
		return rt, postgres.Unreachable(t.Name, err)
	}
	return rt, postgres.Evaluate(snap, t.Name, postgres.Options{BreakGlassRole: t.BreakGlassRole})
}
