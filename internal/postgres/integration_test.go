package postgres

import (
	"bufio"
	"context"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
)

func TestGoodClusterPassesEveryCheckAsSuperuser(t *testing.T) {
	needClusters(t)
	s := collectOK(t, superuserConn(good))
	fs := Evaluate(s, "good", breakGlass)
	for _, f := range fs {
		if f.Check == "postgres.encryption.at-rest" && f.Status == check.Unknown {
			continue // a test cluster sits on whatever disk the machine has
		}
		if f.Status != check.Pass {
			t.Errorf("%s on %s: %s: %s", f.Check, f.Resource, f.Status, f.Message)
		}
	}
	t.Run("the snapshot lists tables and columns but no rows", func(t *testing.T) {
		want := []Table{{Schema: "public", Name: "patients", RLS: true,
			Columns: []string{"id", "name", "dob"}, Types: []string{"integer", "text", "date"},
			Kind: "r", Owner: "postgres"}}
		if diff := cmp.Diff(want, s.Tables); diff != "" {
			t.Errorf("tables (-want +got):\n%s", diff)
		}
	})
}

func TestBadClusterFailsExactlyTheExpectedChecks(t *testing.T) {
	needClusters(t)
	s := collectOK(t, superuserConn(bad))
	fs := Evaluate(s, "bad", breakGlass)
	want := []string{
		"?postgres.encryption.at-rest",
		"postgres.break-glass.role",
		"postgres.hba.no-password-methods",
		"postgres.hba.no-trust",
		"postgres.hba.remote-plaintext",
		"postgres.integrity.data-checksums",
		"postgres.password.md5-hashes",
		"postgres.pgaudit.log-parameter",
		"postgres.roles.bypassrls",
		"postgres.roles.generic-login",
		"postgres.roles.login-superuser",
		"postgres.roles.remote-superuser",
		"postgres.ssl.enabled",
		"postgres.timeout.idle-in-transaction",
		"postgres.timeout.idle-session",
	}
	if diff := cmp.Diff(want, failing(fs)); diff != "" {
		t.Errorf("failing checks (-want +got):\n%s", diff)
	}

	tests := []struct {
		name, check, resource, text string
	}{
		{"the md5 host line is said to defeat the hostnossl reject",
			"postgres.hba.remote-plaintext", "pg_hba.conf line 3",
			"hostnossl reject on line 5"},
		{"the trust line is named", "postgres.hba.no-trust", "pg_hba.conf line 2", "trust"},
		{"the idle-timeout override names frontdesk", "postgres.timeout.idle-session",
			"role frontdesk", "idle_session_timeout = 0"},
		{"alice is a login superuser", "postgres.roles.login-superuser", "role alice", "alice"},
		{"frontdesk is a generic login", "postgres.roles.generic-login", "role frontdesk",
			"frontdesk"},
		{"reporting bypasses RLS", "postgres.roles.bypassrls", "role reporting", "BYPASSRLS"},
		{"legacy holds an md5 hash", "postgres.password.md5-hashes", "role legacy", "MD5"},
		{"the break-glass role can log in", "postgres.break-glass.role", "role breakglass",
			"can log in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range fs {
				if f.Check == tt.check && f.Resource == tt.resource && f.Status == check.Fail &&
					strings.Contains(f.Message, tt.text) {
					return
				}
			}
			t.Errorf("no failing %s finding on %q mentioning %q", tt.check, tt.resource, tt.text)
		})
	}
}

func TestLeastPrivilegeScanIsUnknownWhereItCannotSee(t *testing.T) {
	needClusters(t)
	s := collectOK(t, Conn{URL: tlsURL(good, "kg_scan"), Password: scannerPassword})
	fs := Evaluate(s, "good", breakGlass)
	want := []string{
		"?postgres.encryption.at-rest",
		"?postgres.hba.no-password-methods",
		"?postgres.hba.no-trust",
		"?postgres.hba.remote-plaintext",
		"?postgres.password.md5-hashes",
		"?postgres.roles.remote-superuser",
	}
	if diff := cmp.Diff(want, failing(fs)); diff != "" {
		t.Errorf("non-passing checks (-want +got):\n%s", diff)
	}
	for _, f := range fs {
		if f.Status != check.Unknown || f.Check == "postgres.encryption.at-rest" {
			continue
		}
		if !strings.Contains(f.Message, "pg_hba_file_rules") &&
			!strings.Contains(f.Message, "pg_authid") {
			t.Errorf("%s unknown without naming the privilege: %s", f.Check, f.Message)
		}
	}
}

// statementLine matches a logged statement of the kollguard session in the
// bad cluster's log (prefix '%m [%p] %a %q%u@%d %r ').
var statementLine = regexp.MustCompile(
	`\] kollguard .*LOG:  (?:statement|execute [^:]*): (.*)$`)

var readVerbs = regexp.MustCompile(`(?i)^\s*(SELECT|SHOW|SET|RESET|BEGIN|COMMIT|ROLLBACK)\b`)

func TestCollectOnlyReads(t *testing.T) {
	needClusters(t)
	t.Run("the bad cluster", func(t *testing.T) {
		s := collectOK(t, superuserConn(bad))
		proveOnlyReads(t, bad.LogPath(), s.Tables)
	})
	for _, db := range []string{"clinic_good", "clinic_bad"} {
		t.Run("the tenancy database "+db, func(t *testing.T) {
			s, _ := tenancyFindings(t, db, Options{})
			if len(s.Tables) == 0 || len(s.Policies) == 0 || len(s.Functions) == 0 {
				t.Fatalf("collected %d tables, %d policies, %d functions: want some of each",
					len(s.Tables), len(s.Policies), len(s.Functions))
			}
			proveOnlyReads(t, tenancy.LogPath(), s.Tables)
		})
	}
}

// proveOnlyReads reads a server log written with log_statement = all and
// fails on any statement of the kollguard session that is not a read or
// that names one of the user tables, and on any pgaudit object-audit entry
// of that session: object auditing logs every access to the ePHI tables
// the audit role may read.
func proveOnlyReads(t *testing.T, logPath string, tables []Table) {
	t.Helper()
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	user := userTableNames(tables)
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		ours := strings.Contains(line, "] kollguard ")
		if ours && strings.Contains(line, "AUDIT: SESSION") && !strings.Contains(line, ",READ,") {
			t.Errorf("pgaudit logged a non-read statement of kollguard: %s", line)
		}
		if ours && strings.Contains(line, "AUDIT: OBJECT") {
			t.Errorf("pgaudit logged kollguard touching a table: %s", line)
		}
		m := statementLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		if !readVerbs.MatchString(m[1]) || strings.Contains(strings.ToUpper(m[1]), "READ WRITE") {
			t.Errorf("kollguard ran a statement that is not a read: %s", m[1])
		}
		if user != nil && user.MatchString(m[1]) {
			t.Errorf("kollguard ran a statement naming a user table: %s", m[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 6 {
		t.Errorf("found %d kollguard statements in the log, want at least 6", n)
	}
}

// userTableNames matches any of the tables' names as a word; nil when
// there are none.
func userTableNames(tables []Table) *regexp.Regexp {
	if len(tables) == 0 {
		return nil
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = regexp.QuoteMeta(t.Name)
	}
	return regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`)
}

func TestCollectKeepsThePasswordOutOfErrors(t *testing.T) {
	needClusters(t)
	const secret = "Wr0ng-s3cret-pw"
	conns := map[string]Conn{
		"a wrong password given apart": {URL: tlsURL(good, "alice"), Password: secret},
		"a wrong password in the URL": {URL: strings.Replace(tlsURL(good, "alice"),
			"alice@", "alice:"+secret+"@", 1)},
	}
	for name, conn := range conns {
		t.Run(name, func(t *testing.T) {
			_, err := Collect(context.Background(), conn)
			if err == nil {
				t.Fatal("Collect succeeded with a wrong password")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error contains the password: %v", err)
			}
			for _, f := range Unreachable("good", err) {
				if strings.Contains(f.Message, secret) {
					t.Errorf("finding contains the password: %s", f.Message)
				}
			}
		})
	}
}

func TestCollectReportsARefusedPortQuickly(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	start := time.Now()
	_, err = Collect(context.Background(),
		Conn{URL: "postgres://kg@" + addr + "/postgres?sslmode=disable"})
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Collect error = %v, want one naming %s", err, addr)
	}
	if d := time.Since(start); d > connectTimeout {
		t.Errorf("Collect returned after %v, want before the connect timeout", d)
	}
}

func TestCollectGivesUpOnASilentPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// A listener that never answers: the startup handshake hangs.
	defer l.Close()
	url := "postgres://kg@" + l.Addr().String() + "/postgres?sslmode=disable"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err = Collect(ctx, Conn{URL: url, Password: "x"})
	if err == nil {
		t.Fatal("Collect succeeded against a silent listener")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Collect returned after %v, want about 2s", d)
	}
}
