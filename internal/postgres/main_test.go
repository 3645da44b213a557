package postgres

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/pgcluster"
)

// The integration tests share three real clusters, started concurrently in
// TestMain: good (every check passes), bad (realistic mistakes; it also
// logs every statement, for the read-only proof) and tenancy (multi-tenant
// databases, one correct and one with every row-level security mistake).
var good, bad, tenancy *pgcluster.Cluster

// setupErr says why the clusters are missing; tests that need them skip.
var setupErr error

// scannerPassword is the password of the least-privilege scanning role.
const scannerPassword = "scan-pw-7f3a"

var goodSQL = `
CREATE EXTENSION pgaudit;
CREATE ROLE alice LOGIN PASSWORD 'alice-pw';
CREATE ROLE breakglass SUPERUSER NOLOGIN;
CREATE ROLE kg_scan LOGIN PASSWORD '` + scannerPassword + `' IN ROLE pg_monitor,
	pg_read_all_settings;
CREATE TABLE patients (id int PRIMARY KEY, name text, dob date);
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
`

var badSQL = `
CREATE ROLE alice LOGIN SUPERUSER PASSWORD 'alice-pw';
CREATE ROLE frontdesk LOGIN PASSWORD 'desk-pw';
ALTER ROLE frontdesk SET idle_session_timeout = 0;
CREATE ROLE reporting LOGIN BYPASSRLS PASSWORD 'rep-pw';
CREATE ROLE breakglass SUPERUSER LOGIN PASSWORD 'bg-pw';
SET password_encryption = 'md5';
CREATE ROLE legacy LOGIN PASSWORD 'legacy-pw';
`

func goodOptions() pgcluster.Options {
	return pgcluster.Options{
		Checksums: true, Pgaudit: true, TLS: true,
		Settings: map[string]string{
			"ssl_min_protocol_version":            "TLSv1.2",
			"password_encryption":                 "scram-sha-256",
			"log_connections":                     "on",
			"log_disconnections":                  "on",
			"log_line_prefix":                     "%m [%p] %q%u@%d %r ",
			"idle_session_timeout":                "15min",
			"idle_in_transaction_session_timeout": "5min",
			"pgaudit.log":                         "read, write, ddl, role",
		},
		HBA: `local     all  all                scram-sha-256
hostssl   all  postgres  0.0.0.0/0  reject
hostssl   all  all       0.0.0.0/0  scram-sha-256
hostnossl all  all       all        reject
`,
	}
}

func badOptions() pgcluster.Options {
	return pgcluster.Options{
		Pgaudit: true,
		Settings: map[string]string{
			"log_connections":       "on",
			"log_disconnections":    "on",
			"log_line_prefix":       "%m [%p] %a %q%u@%d %r ",
			"log_statement":         "all",
			"idle_session_timeout":  "15min",
			"pgaudit.log":           "read, write",
			"pgaudit.log_parameter": "on",
		},
		HBA: `local     all  all                      scram-sha-256
host      all  all   192.168.50.0/24  trust
host      all  all   0.0.0.0/0        md5
hostssl   all  all   0.0.0.0/0        scram-sha-256
hostnossl all  all   all              reject
`,
	}
}

func TestMain(m *testing.M) {
	if _, err := os.Stat(pgcluster.BinDir); err != nil {
		setupErr = fmt.Errorf("no PostgreSQL 15 binaries: %w", err)
		os.Exit(m.Run())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	var wg sync.WaitGroup
	var goodErr, badErr, tenancyErr error
	wg.Go(func() { good, goodErr = startWith(ctx, goodOptions(), goodSQL) })
	wg.Go(func() { bad, badErr = startWith(ctx, badOptions(), badSQL) })
	wg.Go(func() { tenancy, tenancyErr = startTenancy(ctx) })
	wg.Wait()
	cancel()
	if goodErr != nil || badErr != nil || tenancyErr != nil {
		setupErr = fmt.Errorf("starting clusters: good: %v; bad: %v; tenancy: %v",
			goodErr, badErr, tenancyErr)
	}
	code := m.Run()
	for _, c := range []*pgcluster.Cluster{good, bad, tenancy} {
		if c != nil {
			c.Stop()
		}
	}
	os.Exit(code)
}

func startWith(ctx context.Context, opts pgcluster.Options, sql string) (
	*pgcluster.Cluster, error) {
	c, err := pgcluster.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := c.Exec(ctx, "postgres", sql); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func needClusters(t *testing.T) {
	t.Helper()
	if setupErr != nil {
		t.Skip(setupErr)
	}
}

// superuserConn reaches c as postgres over its Unix socket.
func superuserConn(c *pgcluster.Cluster) Conn {
	return Conn{URL: c.SocketURL("postgres", "postgres"), Password: c.SuperuserPassword()}
}

// tlsURL is c's TCP URL for user with TLS required.
func tlsURL(c *pgcluster.Cluster, user string) string {
	return strings.Replace(c.URL(user, "postgres"), "sslmode=disable", "sslmode=require", 1)
}

func collectOK(t *testing.T, conn Conn) *Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Collect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
