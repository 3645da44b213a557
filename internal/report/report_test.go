package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/assess"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/config"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var (
	sslCheck = check.Check{ID: "t.ssl", Kind: "t", Title: "TLS is on", Severity: check.High,
		Rationale: "plaintext exposes ePHI", Remediation: "set ssl = on",
		Safeguards: []string{"164.312(e)(1)", "164.312(e)(2)(ii)"}}
	logCheck = check.Check{ID: "t.log", Kind: "t", Title: "connections are logged",
		Severity: check.Medium, Remediation: "set log_connections = on",
		Safeguards: []string{"164.312(b)"}}
	testChecks = check.NewSet([]check.Check{sslCheck, logCheck})
	started    = time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)
)

// fixture is a small assessment with a failing, a waived and an unknown
// finding, on a fixed clock.
func fixture(t *testing.T) *Report {
	t.Helper()
	expires, _ := config.ParseDate("2027-01-31")
	findings := []check.Finding{
		sslCheck.Result("clinic-db", "server", check.Fail, "ssl is off").With("ssl", "off").
			At("servers/postgresql.conf", 12),
		logCheck.Result("clinic-db", "server", check.Fail, "log_connections is off"),
		logCheck.Result("billing-db", "server", check.Unknown, "setting hidden: needs "+
			"pg_read_all_settings"),
	}
	a := assess.Assess(assess.Input{Now: started, Checks: testChecks, Findings: findings,
		Waivers: []config.Waiver{{ID: "W-7", Check: "t.log", Target: "clinic-db",
			Reason: "log shipping moves next sprint", Owner: "ops", Expires: expires}}})
	targets := []Target{
		{Name: "clinic-db", Kind: "postgres", Address: "postgres://scan@db:5432/clinic",
			Status: Scanned},
		{Name: "billing-db", Kind: "postgres", Address: "postgres://scan@bill:5432/b",
			Status: Scanned},
	}
	return New(Tool{Name: "kollguard", Version: "test"}, started, started.Add(2*time.Second),
		targets, a, testChecks, assess.Unverified)
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run("the "+format+" report matches its golden file", func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, fixture(t), format, false); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "report."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s report differs from %s (-want +got):\n%s", format, golden, diff)
			}
		})
	}
}

func TestJSONEnvelopeHasTheDesignedFields(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, fixture(t), "json", false); err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(buf.Bytes(), &env); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"schema_version", "tool", "started_at", "finished_at",
		"targets", "safeguards", "findings"} {
		if _, ok := env[key]; !ok {
			t.Errorf("envelope lacks %q", key)
		}
	}
	if env["schema_version"] != float64(1) {
		t.Errorf("schema_version = %v, want 1", env["schema_version"])
	}
	sg := env["safeguards"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "title", "standard", "kind", "verdict", "reason",
		"checks"} {
		if _, ok := sg[key]; !ok {
			t.Errorf("safeguard lacks %q", key)
		}
	}
	f := env["findings"].([]any)[1].(map[string]any)
	for _, key := range []string{"check", "target", "resource", "status", "severity",
		"message", "evidence", "safeguards", "waiver"} {
		if _, ok := f[key]; !ok {
			t.Errorf("finding lacks %q", key)
		}
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	var plain, color bytes.Buffer
	Write(&plain, fixture(t), "text", false)
	Write(&color, fixture(t), "text", true)
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("text without colour contains ANSI escapes")
	}
	if !strings.Contains(color.String(), "\x1b[31mGAP") {
		t.Error("text with colour does not colour GAP red")
	}
}

func TestUnknownFormatIsAnError(t *testing.T) {
	if err := Write(&bytes.Buffer{}, fixture(t), "pdf", false); err == nil {
		t.Error("Write with format pdf returned no error")
	}
}

func TestUndecidedFindingsNameTheDecisionThatExplainsThem(t *testing.T) {
	review, _ := config.ParseDate("2027-06-01")
	approved, _ := config.ParseDate("2026-06-01")
	f := logCheck.Result("clinic-db", "server", check.Unknown, "setting hidden")
	a := assess.Assess(assess.Input{Now: started, Checks: testChecks,
		Findings: []check.Finding{f}, Decisions: []config.Decision{{
			Safeguard: "164.312(b)", Status: config.Implemented, Rationale: "SIEM",
			Owner: "secops", ApprovedBy: "ciso", ApprovedOn: approved, ReviewBy: review}}})
	r := New(Tool{Name: "kollguard", Version: "test"}, started, started, nil, a, testChecks,
		assess.Unverified)
	var buf bytes.Buffer
	if err := Write(&buf, r, "text", false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "explained by: the implemented decision for "+
		"164.312(b) (owner secops") {
		t.Errorf("the undecided finding does not name its decision:\n%s", buf.String())
	}
}
