package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
)

var testChecks = check.NewSet([]check.Check{
	{ID: "postgres.hba.no-trust"},
	{ID: "tls.protocol.tls10-disabled"},
})

const validYAML = `targets:
  - name: clinic-db
    url: postgres://kollguard@db.internal:5432/clinic?sslmode=verify-full
    password_env: KOLLGUARD_DB_PASSWORD
    break_glass_role: breakglass
  - name: billing.db_2
    url: postgresql://scanner@billing/ledger
decisions:
  - safeguard: "164.312(a)(2)(iii)"
    status: alternative
    rationale: Sessions end at the connection pooler.
    alternative: pgbouncer closes idle client connections after 10 minutes
    owner: Jane Doe
    approved_by: CISO
    approved_on: 2026-01-15
    review_by: 2027-01-15
    scope: [clinic-db]
    evidence:
      - https://wiki.internal/pgbouncer
  - safeguard: "164.312(a)(2)(iii)"
    status: implemented
    rationale: idle_session_timeout is set
    owner: Jane Doe
    approved_by: CISO
    approved_on: 2026-01-15
    review_by: 2027-01-15
    scope: [billing.db_2]
  - safeguard: "164.312(a)(2)(iii)"
    status: not-applicable
    rationale: superseded
    owner: Jane Doe
    approved_by: CISO
    approved_on: 2024-01-01
    review_by: 2025-01-01
waivers:
  - id: W-1
    check: postgres.hba.no-trust
    target: clinic-*
    resource: "host all all 10.0.0.0/8 *"
    reason: Private link only; SEC-123
    owner: Jane Doe
    expires: 2027-03-01
`

func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestParseReadsAFullConfig(t *testing.T) {
	got, err := Parse("kollguard.yaml", []byte(validYAML), testChecks)
	if err != nil {
		t.Fatal(err)
	}
	pos := func(line int) Pos { return Pos{File: "kollguard.yaml", Line: line} }
	want := &Config{
		Path: "kollguard.yaml",
		Targets: []Target{
			{
				Name:           "clinic-db",
				URL:            "postgres://kollguard@db.internal:5432/clinic?sslmode=verify-full",
				PasswordEnv:    "KOLLGUARD_DB_PASSWORD",
				BreakGlassRole: "breakglass",
				Pos:            pos(2),
			},
			{Name: "billing.db_2", URL: "postgresql://scanner@billing/ledger", Pos: pos(6)},
		},
		Decisions: []Decision{
			{
				Safeguard:   "164.312(a)(2)(iii)",
				Status:      Alternative,
				Rationale:   "Sessions end at the connection pooler.",
				Alternative: "pgbouncer closes idle client connections after 10 minutes",
				Owner:       "Jane Doe",
				ApprovedBy:  "CISO",
				ApprovedOn:  date("2026-01-15"),
				ReviewBy:    date("2027-01-15"),
				Scope:       []string{"clinic-db"},
				Evidence:    []string{"https://wiki.internal/pgbouncer"},
				Pos:         pos(9),
			},
			{
				Safeguard:  "164.312(a)(2)(iii)",
				Status:     Implemented,
				Rationale:  "idle_session_timeout is set",
				Owner:      "Jane Doe",
				ApprovedBy: "CISO",
				ApprovedOn: date("2026-01-15"),
				ReviewBy:   date("2027-01-15"),
				Scope:      []string{"billing.db_2"},
				Pos:        pos(20),
			},
			{
				Safeguard:  "164.312(a)(2)(iii)",
				Status:     NotApplicable,
				Rationale:  "superseded",
				Owner:      "Jane Doe",
				ApprovedBy: "CISO",
				ApprovedOn: date("2024-01-01"),
				ReviewBy:   date("2025-01-01"),
				Pos:        pos(28),
			},
		},
		Waivers: []Waiver{{
			ID:       "W-1",
			Check:    "postgres.hba.no-trust",
			Target:   "clinic-*",
			Resource: "host all all 10.0.0.0/8 *",
			Reason:   "Private link only; SEC-123",
			Owner:    "Jane Doe",
			Expires:  date("2027-03-01"),
			Pos:      pos(36),
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
	if tg, ok := got.Target("billing.db_2"); !ok || !cmp.Equal(tg, want.Targets[1]) {
		t.Errorf("Target(billing.db_2) = %+v, %v", tg, ok)
	}
	if _, ok := got.Target("nope"); ok {
		t.Error("Target(nope) found a target")
	}
}

func TestParseAcceptsEmptyInput(t *testing.T) {
	inputs := []string{"", "\n", "# only a comment\n", "---\n", "~\n",
		"targets:\ndecisions: []\n", "---\n---\n"}
	for _, in := range inputs {
		cfg, err := Parse("k.yaml", []byte(in), testChecks)
		if err != nil {
			t.Errorf("Parse(%q) = %v", in, err)
			continue
		}
		want := &Config{
			Path: "k.yaml", Targets: []Target{}, Decisions: []Decision{}, Waivers: []Waiver{},
		}
		if diff := cmp.Diff(want, cfg); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", in, diff)
		}
	}
}

func TestErrorsAreAnErrorList(t *testing.T) {
	_, err := Parse("k.yaml", []byte("bogus: 1\n"), testChecks)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("errors.As(ErrorList) failed for %v", err)
	}
	var one *Error
	if !errors.As(err, &one) || one.Key != "bogus" || one.Pos.Line != 1 {
		t.Fatalf("errors.As(*Error) = %+v", one)
	}
}

func TestParseWithoutChecksAcceptsAnyCheckID(t *testing.T) {
	in := "waivers:\n  - {id: W-1, check: x.y, reason: r, owner: o, expires: 2027-01-01}\n"
	if _, err := Parse("k.yaml", []byte(in), nil); err != nil {
		t.Fatal(err)
	}
}

func TestParseStopsAfterManyErrors(t *testing.T) {
	_, err := Parse("k.yaml", []byte(strings.Repeat("x: 1\n", 500)), nil)
	var list ErrorList
	errors.As(err, &list)
	if len(list) != maxErrors+1 {
		t.Fatalf("got %d errors, want %d", len(list), maxErrors+1)
	}
	if got := list[maxErrors].Error(); got != "k.yaml: too many errors: stopped after 100" {
		t.Errorf("last error = %q", got)
	}
}

func TestParseRefusesLargeFiles(t *testing.T) {
	data := []byte("# " + strings.Repeat("x", MaxSize))
	_, err := Parse("big.yaml", data, nil)
	if err == nil || err.Error() != "big.yaml: file is larger than 4 MiB: refusing to read it" {
		t.Fatalf("Parse = %v", err)
	}
}

func TestLoad(t *testing.T) {
	t.Run("a missing file is an error naming it", func(t *testing.T) {
		_, err := Load("testdata/does-not-exist.yaml", nil)
		if err == nil || !strings.Contains(err.Error(), "testdata/does-not-exist.yaml") {
			t.Fatalf("Load = %v", err)
		}
	})
	t.Run("a file is read and parsed", func(t *testing.T) {
		path := t.TempDir() + "/kollguard.yaml"
		var b strings.Builder
		if err := Template(&b, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		writeFile(t, path, strings.ReplaceAll(b.String(), `"TODO"`, `"documented"`))
		cfg, err := Load(path, testChecks)
		if err != nil || cfg.Path != path || len(cfg.Decisions) == 0 {
			t.Fatalf("Load = %+v, %v", cfg, err)
		}
	})
}
