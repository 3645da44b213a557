package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/config"
	"github.com/kollguard/kollguard/internal/pgcluster"
	"github.com/kollguard/kollguard/internal/scan"
)

// cluster is one real PostgreSQL 15 shared by the tests of this package.
var cluster *pgcluster.Cluster

const scannerPassword = "Sc4nner-pw-7f3a9c"

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var err error
	cluster, err = pgcluster.Start(ctx, pgcluster.Options{Checksums: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting PostgreSQL:", err)
		return 1
	}
	defer cluster.Stop()
	if err := cluster.Exec(ctx, "postgres", fmt.Sprintf(
		"CREATE ROLE scanner LOGIN PASSWORD '%s' IN ROLE pg_monitor, pg_read_all_settings",
		scannerPassword)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// run runs the command line and returns its exit code, stdout and stderr.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestScanReportsEveryTechnicalSafeguardAsJSON(t *testing.T) {
	cfg := writeFile(t, "kollguard.yaml", fmt.Sprintf(`targets:
  - name: clinic-db
    url: %s
    password_env: CLINIC_PW
decisions:
  - safeguard: 164.312(a)(2)(iv)
    status: alternative
    rationale: managed disks
    alternative: provider volume encryption with our KMS key
    owner: platform
    approved_by: ciso
    approved_on: 2026-01-02
    review_by: 2099-01-02
`, cluster.URL("scanner", "postgres")))
	code, out, stderr := run(t, map[string]string{"CLINIC_PW": scannerPassword},
		"scan", "-c", cfg, "--format", "json")
	if code != ExitFail {
		t.Errorf("exit code = %d, want 1 (a fresh cluster has gaps); stderr:\n%s", code, stderr)
	}
	var r struct {
		SchemaVersion int `json:"schema_version"`
		Targets       []struct{ Name, Kind, Address, Status string }
		Safeguards    []struct {
			ID, Verdict, Reason string
			Decision            *config.Decision
		}
		Findings []struct{ Check, Target, Status string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	if r.SchemaVersion != 1 || len(r.Targets) != 1 || r.Targets[0].Status != "scanned" {
		t.Fatalf("envelope = %+v, want schema 1 and one scanned target", r)
	}
	verdicts := map[string]string{}
	for _, s := range r.Safeguards {
		verdicts[s.ID] = s.Verdict
		if s.Reason == "" {
			t.Errorf("%s has no reason", s.ID)
		}
	}
	for _, sg := range catalog.All() {
		if sg.Technical() && verdicts[sg.ID] == "" {
			t.Errorf("%s is missing from the report", sg.ID)
		}
	}
	if got := verdicts["164.312(a)(2)(iv)"]; got != "alternative" {
		t.Errorf("encryption at rest with a live alternative decision = %s, want alternative", got)
	}
	if got := verdicts["164.312(e)(1)"]; got != "gap" {
		t.Errorf("transmission security on a cluster with ssl off = %s, want gap", got)
	}
	if strings.Contains(out, scannerPassword) || strings.Contains(stderr, scannerPassword) {
		t.Error("the password appears in the output")
	}
}

func TestUnreachableTargetIsReportedAndOthersStillScanned(t *testing.T) {
	dead := "postgres://scanner@" + closedPort(t) + "/postgres"
	code, out, _ := run(t, map[string]string{"PGPASSWORD": scannerPassword},
		"scan", "--format", "json", dead, cluster.URL("scanner", "postgres"))
	if code != ExitFail {
		t.Errorf("exit code = %d, want 1", code)
	}
	var r struct {
		Targets  []struct{ Name, Status, Error string }
		Findings []struct{ Target, Status string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 2 || r.Targets[0].Status != "unreachable" || r.Targets[0].Error == "" ||
		r.Targets[1].Status != "scanned" {
		t.Fatalf("targets = %+v, want the dead one unreachable with an error, the live one scanned",
			r.Targets)
	}
	statuses := map[string]map[string]int{}
	for _, f := range r.Findings {
		if statuses[f.Target] == nil {
			statuses[f.Target] = map[string]int{}
		}
		statuses[f.Target][f.Status]++
	}
	if statuses[r.Targets[0].Name]["error"] == 0 || statuses[r.Targets[1].Name]["pass"] == 0 {
		t.Errorf("finding statuses per target = %v", statuses)
	}
}

func TestPasswordNeverPrinted(t *testing.T) {
	const wrong = "Wr0ng-S3cret-pw-91b2"
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"a wrong password from PGPASSWORD", map[string]string{"PGPASSWORD": wrong},
			[]string{"scan", cluster.URL("scanner", "postgres")}},
		{"a wrong password in the URL", nil,
			[]string{"scan", "-v", strings.Replace(cluster.URL("scanner", "postgres"),
				"scanner@", "scanner:"+wrong+"@", 1)}},
		{"a password in the URL of an unreachable target", nil,
			[]string{"scan", "--format", "json", "postgres://scanner:" + wrong + "@" +
				closedPort(t) + "/db"}},
		{"a password in a malformed URL", nil,
			[]string{"scan", "postgres://scanner:" + wrong + "@[::1/db"}},
		{"a password in a target written without //", nil,
			[]string{"scan", "postgres:/scanner:" + wrong + "@db/clinic"}},
		{"a password in the query of a URL", nil,
			[]string{"scan", strings.Replace(cluster.URL("scanner", "postgres"), "?",
				"?password="+wrong+"&", 1)}},
		{"a password in the query of a URL without a host", nil,
			[]string{"scan", "postgres://u@/db?password=" + wrong}},
		{"a password in the query of an unreachable target", nil,
			[]string{"scan", "postgres://scanner@" + closedPort(t) + "/db?sslpassword=" + wrong}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []string{"text", "json", "sarif"} {
				code, out, stderr := run(t, tt.env, append(tt.args, "--format", format)...)
				if strings.Contains(out+stderr, wrong) {
					t.Errorf("%s report (exit %d) shows the password:\n%s\n%s", format, code,
						out, stderr)
				}
			}
		})
	}
}

func TestConfigErrorsExit2NamingFileAndLine(t *testing.T) {
	cfg := writeFile(t, "kollguard.yaml", `decisions:
  - safeguard: 164.312(b)
    status: alternative
    rationale: x
    alternative: y
    owner: a
    approved_by: b
    approved_on: 2026-01-01
    review_by: 2027-01-01
`)
	code, out, stderr := run(t, nil, "scan", "-c", cfg, cluster.URL("scanner", "postgres"))
	if code != ExitConfig || out != "" {
		t.Errorf("exit code = %d, stdout %q; want 2 and no report", code, out)
	}
	if !strings.Contains(stderr, cfg+":3: decisions[0].status") ||
		!strings.Contains(stderr, "required") {
		t.Errorf("stderr = %q, want file:line and that 164.312(b) is required", stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, ""},
		{"an unknown command", []string{"frobnicate"}, "unknown command"},
		{"a target path that does not exist", []string{"scan", "/nonexistent/infra"},
			"/nonexistent/infra: no such file or directory"},
		{"an unknown format", []string{"scan", "--format", "pdf", "postgres://u@h/db"}, "pdf"},
		{"a bad --fail-on", []string{"scan", "--fail-on", "met", "postgres://u@h/db"}, "met"},
		{"a timeout of zero", []string{"scan", "--timeout", "0s", "postgres://u@h/db"},
			"positive duration"},
		{"a target of an unknown scheme", []string{"scan", "ftp://h/x"}, "unknown scheme"},
		{"a missing config file", []string{"scan", "-c", "/nonexistent/kollguard.yaml"},
			"/nonexistent/kollguard.yaml"},
		{"explain of an unknown ID", []string{"explain", "postgres.nope"}, "neither"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, nil, tt.args...)
			if code != ExitConfig || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

func TestFailOnThreshold(t *testing.T) {
	url := cluster.URL("scanner", "postgres")
	env := map[string]string{"PGPASSWORD": scannerPassword}
	for _, tt := range []struct {
		failOn string
		want   int
	}{{"unverified", ExitFail}, {"gap", ExitFail}, {"never", ExitOK}} {
		t.Run("--fail-on "+tt.failOn, func(t *testing.T) {
			code, _, stderr := run(t, env, "scan", "--fail-on", tt.failOn, url)
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr %s", code, tt.want, stderr)
			}
		})
	}
}

func TestCatalogCommands(t *testing.T) {
	t.Run("controls lists the whole rule as JSON", func(t *testing.T) {
		_, out, _ := run(t, nil, "controls", "--format", "json")
		var list []control
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		if len(list) != len(catalog.All()) {
			t.Errorf("controls lists %d safeguards, want %d", len(list), len(catalog.All()))
		}
	})
	t.Run("checks lists every check", func(t *testing.T) {
		_, out, _ := run(t, nil, "checks")
		for _, c := range scan.Checks().All() {
			if !strings.Contains(out, c.ID) {
				t.Errorf("checks output lacks %s", c.ID)
			}
		}
	})
	t.Run("explain shows a check's remediation and a safeguard's checks", func(t *testing.T) {
		c := scan.Checks().All()[0]
		if _, out, _ := run(t, nil, "explain", c.ID); !strings.Contains(out, c.Remediation) {
			t.Errorf("explain %s lacks the remediation:\n%s", c.ID, out)
		}
		if _, out, _ := run(t, nil, "explain", "164.312(b)"); !strings.Contains(out,
			"postgres.") {
			t.Errorf("explain 164.312(b) lists no checks:\n%s", out)
		}
	})
	t.Run("version prints the version", func(t *testing.T) {
		if code, out, _ := run(t, nil, "version"); code != 0 || !strings.Contains(out, Version) {
			t.Errorf("version: exit %d, %q", code, out)
		}
	})
}

func TestDecisionsInitWritesATemplateThatLoadsOnceFilledIn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kollguard.yaml")
	if code, _, stderr := run(t, nil, "decisions", "init", "-o", path); code != 0 {
		t.Fatalf("decisions init: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "scan", "-c", path); code != ExitConfig ||
		!strings.Contains(stderr, path+":") || !strings.Contains(stderr, "still TODO") {
		t.Errorf("scan with the unfilled template: exit %d, stderr %.300s; want 2 naming "+
			"each TODO", code, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.ReplaceAll(string(data), `"TODO"`, `"documented"`)
	cfg, err := config.Parse(path, []byte(filled), scan.Checks())
	if err != nil {
		t.Fatalf("the filled-in template does not load: %v", err)
	}
	n := 0
	for _, sg := range catalog.All() {
		if sg.Kind == catalog.Addressable {
			n++
		}
	}
	if len(cfg.Decisions) != n {
		t.Errorf("template has %d decisions, want one per addressable specification (%d)",
			len(cfg.Decisions), n)
	}
	if code, _, stderr := run(t, nil, "decisions", "init", "-o", path); code != ExitConfig {
		t.Errorf("a second init over the file: exit %d (%s), want 2: it must not overwrite",
			code, stderr)
	}
}

func TestDemo(t *testing.T) {
	t.Chdir("../..") // the demo scans examples/ when run from the repository
	code, out, stderr := run(t, nil, "demo")
	if code != ExitOK {
		t.Fatalf("demo exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"GAP            164.312(e)(1)", "postgres.hba.remote-plaintext", "role dr_smith",
		"W-1", "MET            164.312(a)(2)(ii)", "webapp.cookie.lifetime  patient-portal",
		"webapp.http.redirect  patient-portal", "terraform.aws.rds.encrypted  clinic-infra",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo report lacks %q", want)
		}
	}
	if strings.Contains(out+stderr, "not-a-secret") {
		t.Error("demo output shows a role password")
	}
}

func TestScanOfTheBundledExampleNeedsNoConfigAndNoNetwork(t *testing.T) {
	code, out, stderr := run(t, nil, "scan", "--format", "json", "../../examples/clinic-infra")
	if code != ExitFail {
		t.Fatalf("exit %d, want 1: the example has mistakes; stderr %s", code, stderr)
	}
	var r struct {
		Targets  []struct{ Name, Kind, Status string }
		Findings []struct {
			Check, Status string
			Location      *struct {
				Path string
				Line int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 || r.Targets[0].Kind != "files" || r.Targets[0].Status != "scanned" {
		t.Fatalf("targets = %+v", r.Targets)
	}
	failing := map[string]bool{}
	for _, f := range r.Findings {
		if f.Status == "fail" {
			failing[strings.SplitN(f.Check, ".", 2)[0]] = true
			// Line 0 is a setting left at its default: the file, not a line.
			if f.Location == nil || f.Location.Path == "" {
				t.Errorf("failing %s does not name its file", f.Check)
			}
		}
	}
	for _, kind := range []string{"terraform", "kubernetes", "nginx", "sshd", "postgres"} {
		if !failing[kind] {
			t.Errorf("no failing %s finding in the example; failing kinds: %v", kind, failing)
		}
	}
}

func TestInlineWaiverMarks(t *testing.T) {
	dir := t.TempDir()
	sshd := "ClientAliveInterval 300\nClientAliveCountMax 2\nPermitRootLogin no\n" +
		"# kollguard:waive W-3\nPasswordAuthentication yes\n" +
		"Ciphers aes128-cbc # kollguard:waive W-99\n"
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(sshd), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := writeFile(t, "kollguard.yaml", fmt.Sprintf(`targets:
  - name: bastion
    path: %s
waivers:
  - id: W-3
    check: sshd.password-auth
    reason: vendor upload account until March
    owner: it
    expires: 2099-03-31
`, dir))
	_, out, stderr := run(t, nil, "scan", "-c", cfg, "--format", "json")
	var r struct {
		Findings []struct {
			Check, Status string
			Waiver        *struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	got := map[string]string{}
	for _, f := range r.Findings {
		if f.Status != "fail" {
			continue
		}
		got[f.Check] = "fail"
		if f.Waiver != nil {
			got[f.Check] = "waived by " + f.Waiver.ID
		}
	}
	want := map[string]string{"sshd.password-auth": "waived by W-3", "sshd.ciphers": "fail",
		"inline.unapproved-waiver": "fail"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q (all failing: %v)", id, got[id], w, got)
		}
	}
}

func TestSavedEvidenceIsJudgedAgainWithoutTheServer(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PGPASSWORD": scannerPassword}
	url := cluster.URL("scanner", "postgres")
	_, live, stderr := run(t, env, "scan", "--format", "json", "--save-evidence", dir, url)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("saved %v; stderr %s", files, stderr)
	}
	saved, _ := os.ReadFile(files[0])
	if strings.Contains(string(saved), scannerPassword) {
		t.Error("the saved evidence holds the password")
	}
	_, again, stderr := run(t, nil, "scan", "--format", "json", "--from", files[0])
	verdicts := func(out string) map[string]string {
		var r struct {
			Safeguards []struct{ ID, Verdict, Reason string }
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s", err, stderr)
		}
		m := map[string]string{}
		for _, s := range r.Safeguards {
			m[s.ID] = s.Verdict + ": " + s.Reason
		}
		return m
	}
	if diff := cmp.Diff(verdicts(live), verdicts(again)); diff != "" {
		t.Errorf("verdicts from saved evidence differ (-live +saved):\n%s", diff)
	}
	if code, _, _ := run(t, nil, "scan", "--from", files[0], url); code != ExitConfig {
		t.Errorf("--from with a TARGET: exit %d, want 2", code)
	}
}

func TestADecisionScopedToAnUnknownTargetIsRefused(t *testing.T) {
	cfg := writeFile(t, "kollguard.yaml", `decisions:
  - safeguard: 164.312(a)(2)(iv)
    status: not-applicable
    rationale: no disks
    owner: ops
    approved_by: ciso
    approved_on: 2026-01-02
    review_by: 2099-01-02
    scope: [clinic-bd]
`)
	code, out, stderr := run(t, nil, "scan", "-c", cfg, "../../examples/clinic-infra")
	if code != ExitConfig || out != "" || !strings.Contains(stderr, cfg+":2:") ||
		!strings.Contains(stderr, `"clinic-bd"`) {
		t.Errorf("exit %d, stderr %q; want 2 naming the file, line and the unknown name",
			code, stderr)
	}
}

func TestAWrongPasswordIsARefusedLoginNotAnUnreachableServer(t *testing.T) {
	_, out, _ := run(t, map[string]string{"PGPASSWORD": "not-the-password"}, "scan",
		"--format", "json", cluster.URL("scanner", "postgres"))
	var r struct {
		Targets []struct{ Status, Error string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Targets) != 1 || r.Targets[0].Status != "refused" ||
		!strings.Contains(r.Targets[0].Error, "refused the login") ||
		strings.Contains(r.Targets[0].Error, "tls error") {
		t.Errorf("targets = %+v, want one refused with a plain reason", r.Targets)
	}
}

func TestSavedEvidenceSurvivesAPasswordThatIsAlsoAWord(t *testing.T) {
	dir := t.TempDir()
	run(t, map[string]string{"PGPASSWORD": "postgres"}, "scan", "--save-evidence", dir,
		cluster.URL("scanner", "postgres"))
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("saved %v", files)
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ev, err := scan.ReadEvidence(f)
	if err != nil || ev.Target.Kind != "postgres" {
		t.Fatalf("saved evidence reads as %+v, %v", ev, err)
	}
}

func TestAnUnwritableOutputIsRefusedBeforeScanningAndLeavesNoFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.txt")
	code, _, _ := run(t, nil, "scan", "-o", out, "--format", "pdf", "../../examples/clinic-infra")
	if _, err := os.Stat(out); code != ExitConfig || err == nil {
		t.Errorf("exit %d, file left behind: %v", code, err == nil)
	}
	code, _, stderr := run(t, nil, "scan", "-o", "/nonexistent/dir/r.txt",
		"../../examples/clinic-infra")
	if code != ExitConfig || !strings.Contains(stderr, "-o:") {
		t.Errorf("exit %d, stderr %q; want 2 naming -o", code, stderr)
	}
}

func TestATargetNotScannedFailsTheRunWhateverTheThreshold(t *testing.T) {
	dead := "postgres://scanner@" + closedPort(t) + "/postgres"
	if code, out, _ := run(t, nil, "scan", "--fail-on", "gap", dead); code != ExitFail ||
		!strings.Contains(out, "could not be scanned") {
		t.Errorf("--fail-on gap with an unreachable target: exit %d, want 1 saying why", code)
	}
	if code, _, _ := run(t, nil, "scan", "--fail-on", "never", dead); code != ExitOK {
		t.Errorf("--fail-on never: exit %d, want 0", code)
	}
}
