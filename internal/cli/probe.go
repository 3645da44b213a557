package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/kollguard/kollguard/internal/redact"
	"github.com/kollguard/kollguard/internal/report"
	"github.com/kollguard/kollguard/internal/tlsprobe"
)

// probe prints what a TLS endpoint offers, as sslscan does: versions, suites
// per version, groups, certificate facts. It judges nothing; `scan` does.
func (e *env) probe(ctx context.Context, args []string) (int, error) {
	fs := e.newFlags("probe")
	format := formatFlag(fs)
	var profile, caFile string
	tlsFlags(fs, &profile, &caFile)
	timeout := fs.Duration("timeout", 60*time.Second, "time allowed for each endpoint")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitConfig, err
	}
	if err := e.textOrJSON(*format); err != nil {
		return ExitConfig, err
	}
	opts, err := tlsOptions(profile, caFile)
	if err != nil {
		return ExitConfig, err
	}
	if len(pos) == 0 {
		return ExitConfig, usagef("probe wants an endpoint such as tls://host:443, " +
			"https://host/, smtp://host:25 or postgres://host:5432")
	}
	var endpoints []tlsprobe.Endpoint
	for _, raw := range pos {
		ep, err := tlsprobe.ParseEndpoint(raw)
		if err != nil {
			return ExitConfig, usagef("%s: %w", redact.URL(raw), err)
		}
		endpoints = append(endpoints, ep)
	}
	code := ExitOK
	var snaps []*tlsprobe.Snapshot
	for _, ep := range endpoints {
		pctx, cancel := context.WithTimeout(ctx, *timeout)
		snap, err := tlsprobe.Probe(pctx, ep, opts)
		cancel()
		if err != nil {
			fmt.Fprintf(e.stderr, "kollguard: %v\n", err)
			code = ExitFail
			continue
		}
		if snap.TLS == nil || !*snap.TLS {
			fmt.Fprintf(e.stderr, "kollguard: %s: no TLS answer: nothing could be "+
				"determined\n", ep)
			code = ExitFail
		}
		snaps = append(snaps, snap)
	}
	if *format == "json" {
		return code, report.WriteJSON(e.stdout, snaps)
	}
	for i, s := range snaps {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if err := tlsprobe.WriteText(e.stdout, s); err != nil {
			return ExitFail, err
		}
	}
	return code, nil
}
