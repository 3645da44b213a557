package cli

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/kollguard/kollguard/internal/assess"
	"github.com/kollguard/kollguard/internal/config"
	"github.com/kollguard/kollguard/internal/pgcluster"
	"github.com/kollguard/kollguard/internal/scan"
	"github.com/kollguard/kollguard/internal/tlsprobe"
	"github.com/kollguard/kollguard/internal/webapp"
)

// The demo clinic: a schema with realistic mistakes, and the decisions and
// waivers its team keeps.
var (
	//go:embed demo/clinic.sql
	demoSQL string
	//go:embed demo/kollguard.yaml
	demoConfig []byte
)

// demoHBA lets clinic staff in from a remote subnet with md5 and without TLS,
// and a broad plaintext line shadows the hostnossl reject meant to stop that.
const demoHBA = `local     all     all                   scram-sha-256
host      all     all     127.0.0.1/32  scram-sha-256
host      clinic  all     10.20.0.0/16  md5
host      all     all     0.0.0.0/0     scram-sha-256
hostnossl all     all     0.0.0.0/0     reject
`

// demoSettings leave TLS off, idle sessions open, disconnections unlogged,
// the client address out of the log prefix and reads out of pgaudit.
var demoSettings = map[string]string{
	"log_connections":                     "on",
	"log_disconnections":                  "off",
	"log_line_prefix":                     "%m [%p] %q%u@%d ",
	"idle_in_transaction_session_timeout": "10min",
	"password_encryption":                 "scram-sha-256",
	"pgaudit.log":                         "write, ddl",
}

func (e *env) demo(ctx context.Context, args []string) (int, error) {
	var o scanOptions
	fs := e.newFlags("demo")
	fs.StringVar(&o.format, "format", "text", "report format: text, json or sarif")
	fs.StringVar(&o.output, "o", "", "write the report to `FILE` instead of stdout")
	fs.BoolVar(&o.verbose, "v", false, "log progress to stderr")
	if _, err := parseInterleaved(fs, args); err != nil {
		return ExitConfig, err
	}
	checks := scan.Checks()
	cfg, err := config.Parse("demo/kollguard.yaml", demoConfig, checks)
	if err != nil {
		return ExitConfig, err
	}
	fmt.Fprintf(e.stderr, "kollguard demo: starting a throwaway PostgreSQL 15 cluster "+
		"with a small clinic schema...\n")
	targets, caFile, stop, err := e.startDemo(ctx)
	if err != nil {
		return ExitFail, err
	}
	defer stop()
	run := &scanRun{opts: o, failOn: assess.Unverified, cfg: cfg, checks: checks,
		targets: targets, scan: scan.Options{Timeout: time.Minute,
			TLS: tlsprobe.Options{CAFile: caFile}, ApprovedWaivers: approved(cfg)}}
	fmt.Fprintf(e.stderr, "kollguard demo: scanning %s as the least-privilege login "+
		"kollguard, the patient portal at %s and, when run from the repository, the "+
		"infrastructure code in %s\n\n", targets[0].Address(), targets[1].URL, demoInfra)
	code, err := e.execute(ctx, run)
	if err == nil {
		fmt.Fprintf(e.stderr, "\nkollguard demo: kollguard scan would exit %d on these "+
			"targets; the cluster and the portal are removed now.\n", code)
	}
	return ExitOK, err
}

// startDemo starts the demo's database and patient portal and returns the
// targets to scan, the portal's certificate to trust, and what stops them.
func (e *env) startDemo(ctx context.Context) ([]scan.Target, string, func(), error) {
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cluster, err := pgcluster.Start(startCtx, pgcluster.Options{
		Settings: demoSettings, HBA: demoHBA, Checksums: true, Pgaudit: true,
	})
	if err != nil && ctx.Err() != nil {
		return nil, "", nil, errors.New("demo: interrupted")
	}
	if err != nil {
		return nil, "", nil, fmt.Errorf("demo: %w (it needs Debian's postgresql-15 and "+
			"postgresql-15-pgaudit: scripts/demo installs them)", err)
	}
	db, err := seedDemo(startCtx, cluster)
	if err != nil {
		cluster.Stop()
		return nil, "", nil, fmt.Errorf("demo: %w", err)
	}
	e.secrets.Add(db.Password)
	p, err := startPortal()
	if err != nil {
		cluster.Stop()
		return nil, "", nil, fmt.Errorf("demo: starting the patient portal: %w", err)
	}
	targets := []scan.Target{db, {Name: "patient-portal", Kind: scan.KindWebApp,
		URL: p.httpsURL, Web: webapp.Options{HTTPURL: p.httpURL,
			Protected: []string{"/charts/1042"}}}}
	if _, err := os.Stat(demoInfra); err == nil {
		targets = append(targets, scan.FilesTarget(demoInfra, "clinic-infra"))
	}
	return targets, p.caFile, func() { p.stop(); cluster.Stop() }, nil
}

// demoInfra is the bundled example of a clinic's infrastructure code,
// relative to the repository root.
const demoInfra = "examples/clinic-infra"

// approved maps the waiver IDs a config approves to their checks.
func approved(cfg *config.Config) map[string]string {
	ids := map[string]string{}
	for _, w := range cfg.Waivers {
		ids[w.ID] = w.Check
	}
	return ids
}

// seedDemo creates the clinic database and the scanner's login, and returns
// the target that scans it.
func seedDemo(ctx context.Context, c *pgcluster.Cluster) (scan.Target, error) {
	password, err := randomHex(16)
	if err != nil {
		return scan.Target{}, err
	}
	if err := c.Exec(ctx, "postgres", "CREATE DATABASE clinic"); err != nil {
		return scan.Target{}, err
	}
	if err := c.Exec(ctx, "clinic", demoSQL); err != nil {
		return scan.Target{}, err
	}
	if err := c.Exec(ctx, "clinic",
		fmt.Sprintf("ALTER ROLE kollguard PASSWORD '%s'", password)); err != nil {
		return scan.Target{}, err
	}
	return scan.Target{
		Name: "demo-clinic", Kind: "postgres", URL: c.URL("kollguard", "clinic"),
		Password: password, BreakGlassRole: "breakglass",
	}, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
