package assess

import (
	"strings"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/config"
)

var now = time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)

var (
	logoffCheck = check.Check{ID: "t.logoff", Kind: "t", Severity: check.Medium,
		Safeguards: []string{"164.312(a)(2)(iii)"}}
	auditCheck = check.Check{ID: "t.audit", Kind: "t", Severity: check.Medium,
		Safeguards: []string{"164.312(b)"}}
	backupCheck = check.Check{ID: "t.backup", Kind: "t", Severity: check.Low,
		Safeguards: []string{"164.308(a)(7)(ii)(A)"}}
	checks = check.NewSet([]check.Check{logoffCheck, auditCheck, backupCheck})
)

func date(s string) config.Date {
	d, err := config.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func decision(sg, status, reviewBy string, scope ...string) config.Decision {
	return config.Decision{
		Safeguard: sg, Status: status, Rationale: "reasons", Alternative: "app-level logoff",
		Owner: "ana", ApprovedBy: "ciso", ApprovedOn: date("2026-01-05"),
		ReviewBy: date(reviewBy), Scope: scope,
	}
}

func waiver(id, chk, expires string) config.Waiver {
	return config.Waiver{ID: id, Check: chk, Reason: "migration", Owner: "bo",
		Expires: date(expires)}
}

func find(a *Assessment, id string) Safeguard {
	for _, s := range a.Safeguards {
		if s.ID == id {
			return s
		}
	}
	return Safeguard{ID: id, Verdict: "absent"}
}

func TestVerdicts(t *testing.T) {
	const logoff, audit = "164.312(a)(2)(iii)", "164.312(b)"
	pass := logoffCheck.Result("db", "server", check.Pass, "timeouts set")
	fail := logoffCheck.Result("db", "server", check.Fail, "idle_session_timeout is 0")
	unknown := logoffCheck.Result("db", "server", check.Unknown, "setting hidden")
	otherFail := logoffCheck.Result("other", "server", check.Fail, "idle_session_timeout is 0")

	tests := []struct {
		name      string
		sg        string
		findings  []check.Finding
		decisions []config.Decision
		waivers   []config.Waiver
		want      Verdict
		reason    string
	}{
		{"passing findings meet a safeguard", logoff, []check.Finding{pass}, nil, nil,
			Met, "1 check passed on db"},
		{"a failing finding is a gap", logoff, []check.Finding{pass, fail}, nil, nil,
			Gap, "1 finding fails: t.logoff on db: idle_session_timeout is 0"},
		{"an unknown finding leaves it unverified", logoff, []check.Finding{pass, unknown},
			nil, nil, Unverified, "could not decide: t.logoff on db: setting hidden"},
		{"a live waiver keeps it met", logoff, []check.Finding{fail}, nil,
			[]config.Waiver{waiver("W-1", "t.logoff", "2026-12-31")},
			Met, "1 failing finding waived (W-1 until 2026-12-31)"},
		{"a waiver whose last day is today still holds", logoff, []check.Finding{fail}, nil,
			[]config.Waiver{waiver("W-1", "t.logoff", "2026-12-03")}, Met, "waived"},
		{"an expired waiver is a gap and says since when", logoff, []check.Finding{fail}, nil,
			[]config.Waiver{waiver("W-1", "t.logoff", "2026-11-30")},
			Gap, "waiver W-1 expired on 2026-12-01"},
		{"a live alternative covers failing findings", logoff, []check.Finding{fail},
			[]config.Decision{decision(logoff, config.Alternative, "2027-06-01")}, nil,
			Alternative, "alternative measure: app-level logoff"},
		{"an alternative scoped to one target leaves the others to their findings", logoff,
			[]check.Finding{fail, otherFail},
			[]config.Decision{decision(logoff, config.Alternative, "2027-06-01", "db")}, nil,
			Gap, "t.logoff on other"},
		{"an expired decision is a gap and says since when", logoff, []check.Finding{pass},
			[]config.Decision{decision(logoff, config.Alternative, "2026-11-01")}, nil,
			Gap, "expired on 2026-11-02, 31 days ago (its review_by was 2026-11-01)"},
		{"not-applicable is its own verdict", logoff, nil,
			[]config.Decision{decision(logoff, config.NotApplicable, "2027-06-01")}, nil,
			NotApplicable, "not applicable: reasons"},
		{"an implemented decision explains unknown evidence", logoff, []check.Finding{unknown},
			[]config.Decision{decision(logoff, config.Implemented, "2027-06-01")}, nil,
			Met, "documented as implemented by ana"},
		{"an implemented decision does not hide a failure", logoff, []check.Finding{fail},
			[]config.Decision{decision(logoff, config.Implemented, "2027-06-01")}, nil,
			Gap, "1 finding fail"},
		{"an addressable safeguard no check covers is unverified, never silent",
			"164.312(a)(2)(iv)", nil, nil, nil, Unverified, "no check covers it"},
		{"a required safeguard with no evidence and no decision is a gap", audit, nil, nil,
			nil, Gap, "required, and nothing shows it is met"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Assess(Input{Now: now, Checks: checks, Findings: tt.findings,
				Decisions: tt.decisions, Waivers: tt.waivers})
			got := find(a, tt.sg)
			if got.Verdict != tt.want || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("%s: got %s (%q), want %s with reason containing %q",
					tt.sg, got.Verdict, got.Reason, tt.want, tt.reason)
			}
		})
	}
}

func TestEveryTechnicalSafeguardIsAlwaysReported(t *testing.T) {
	a := Assess(Input{Now: now, Checks: checks})
	for _, sg := range catalog.All() {
		got := find(a, sg.ID)
		switch {
		case sg.Technical() && got.Verdict == "absent":
			t.Errorf("%s is missing from the default report", sg.ID)
		case got.Verdict != "absent" && got.Reason == "":
			t.Errorf("%s has verdict %s but no reason", sg.ID, got.Verdict)
		}
	}
	if got := find(a, "164.308(a)(7)(ii)(A)"); got.Verdict != "absent" {
		t.Errorf("a safeguard whose check found nothing in this scan is in the default report")
	}
	backup := backupCheck.Result("db", "server", check.Pass, "backups kept 35 days")
	withFinding := Assess(Input{Now: now, Checks: checks, Findings: []check.Finding{backup}})
	if got := find(withFinding, "164.308(a)(7)(ii)(A)"); got.Verdict != Met {
		t.Errorf("a safeguard with a finding is %s in the default report, want met", got.Verdict)
	}
	if got := find(a, "164.310(b)"); got.Verdict != "absent" {
		t.Errorf("164.310(b) has no check or decision but is in the default report")
	}
	all := Assess(Input{Now: now, Checks: checks, All: true})
	if len(all.Safeguards) != len(catalog.All()) {
		t.Errorf("with All, got %d safeguards, want %d", len(all.Safeguards), len(catalog.All()))
	}
}

func TestExpiredWaiverIsNotedOnTheFinding(t *testing.T) {
	fail := logoffCheck.Result("db", "server", check.Fail, "idle_session_timeout is 0")
	a := Assess(Input{Now: now, Checks: checks, Findings: []check.Finding{fail},
		Waivers: []config.Waiver{waiver("W-1", "t.logoff", "2026-11-30")}})
	f := a.Findings[0]
	if f.Status != check.Fail || f.Waiver == nil || f.Waiver.Live || f.Waiver.ExpiredDays != 2 {
		t.Fatalf("finding = %+v, waiver %+v; want fail with an expired waiver, 2 days", f, f.Waiver)
	}
	if !strings.Contains(f.Message, "expired on 2026-12-01") {
		t.Errorf("message %q does not say the waiver expired", f.Message)
	}
}

func TestWorstAndRank(t *testing.T) {
	a := &Assessment{Safeguards: []Safeguard{{Verdict: Met}, {Verdict: Alternative}}}
	if got := a.Worst(); got != Met {
		t.Errorf("Worst() = %s, want met", got)
	}
	a.Safeguards = append(a.Safeguards, Safeguard{Verdict: Unverified})
	if got := a.Worst(); got != Unverified {
		t.Errorf("Worst() = %s, want unverified", got)
	}
}

func TestAWaiverNamedInlineCoversOnlyTheMarkedFindings(t *testing.T) {
	marked := logoffCheck.Result("infra", "sshd_config", check.Fail, "no idle timeout").
		At("servers/sshd_config", 12)
	marked.InlineWaiver = "W-9"
	other := logoffCheck.Result("infra", "sshd_config", check.Fail, "no idle timeout").
		At("servers/bastion_sshd_config", 3)
	a := Assess(Input{Now: now, Checks: checks, Findings: []check.Finding{marked, other},
		Waivers: []config.Waiver{waiver("W-9", "t.logoff", "2027-01-31")}})
	if !a.Findings[0].Waived() {
		t.Error("the marked finding is not waived")
	}
	if a.Findings[1].Waiver != nil {
		t.Errorf("an unmarked finding carries waiver %+v; a waiver named inline covers only "+
			"what its marks point at", a.Findings[1].Waiver)
	}
}

func TestScopedDecisions(t *testing.T) {
	const enc = "164.312(a)(2)(iv)"
	encCheck := check.Check{ID: "t.enc", Kind: "t", Severity: check.Medium,
		Safeguards: []string{enc}}
	unknownOn := func(target string) check.Finding {
		return encCheck.Result(target, "server", check.Unknown, "no evidence of disk encryption")
	}
	set := check.NewSet([]check.Check{encCheck})
	tests := []struct {
		name      string
		targets   []string
		findings  []check.Finding
		decisions []config.Decision
		want      Verdict
		reason    string
	}{
		{"a decision scoped to one target leaves another's open evidence unverified",
			[]string{"db1", "db2"}, []check.Finding{unknownOn("db1"), unknownOn("db2")},
			[]config.Decision{decision(enc, config.NotApplicable, "2027-06-01", "db1")},
			Unverified, "does not cover that target"},
		{"a decision scoped to a target not scanned does not apply", []string{"db2"}, nil,
			[]config.Decision{decision(enc, config.NotApplicable, "2027-06-01", "db1")},
			Unverified, "no check covers it"},
		{"decisions scoped to every target decide together", []string{"db1", "db2"},
			[]check.Finding{unknownOn("db1"), unknownOn("db2")},
			[]config.Decision{decision(enc, config.NotApplicable, "2027-06-01", "db1"),
				decision(enc, config.Alternative, "2027-06-01", "db2")},
			Alternative, "alternative measure"},
		{"an implemented decision scoped to one target leaves another's open evidence unverified",
			[]string{"db1", "db2"}, []check.Finding{unknownOn("db1"), unknownOn("db2")},
			[]config.Decision{decision(enc, config.Implemented, "2027-06-01", "db1")},
			Unverified, "t.enc on db2"},
		{"an implemented decision explains open evidence of its own target",
			[]string{"db1", "db2"}, []check.Finding{unknownOn("db1")},
			[]config.Decision{decision(enc, config.Implemented, "2027-06-01", "db1")},
			Met, "documented as implemented"},
		{"a not-applicable and an implemented decision split the targets between them",
			[]string{"db1", "db2"}, []check.Finding{unknownOn("db2")},
			[]config.Decision{decision(enc, config.NotApplicable, "2027-06-01", "db1"),
				decision(enc, config.Implemented, "2027-06-01", "db2")},
			NotApplicable, "not applicable"},
		{"an expired scoped decision renewed with its targets in another order is history",
			[]string{"db1", "db2"}, nil,
			[]config.Decision{decision(enc, config.Alternative, "2026-01-31", "db1", "db2"),
				decision(enc, config.Alternative, "2027-06-01", "db2", "db1")},
			Alternative, "review by 2027-06-01"},
		{"an expired decision renewed by a live one is history", []string{"db1"}, nil,
			[]config.Decision{decision(enc, config.Alternative, "2026-01-31"),
				decision(enc, config.Alternative, "2027-06-01")},
			Alternative, "review by 2027-06-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Assess(Input{Now: now, Checks: set, Findings: tt.findings,
				Decisions: tt.decisions, Targets: tt.targets})
			got := find(a, enc)
			if got.Verdict != tt.want || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("got %s (%q), want %s with %q", got.Verdict, got.Reason, tt.want,
					tt.reason)
			}
		})
	}
}

func TestSafeguardsLeftOutAreCounted(t *testing.T) {
	a := Assess(Input{Now: now, Checks: checks})
	if want := len(catalog.All()) - len(a.Safeguards); a.NotShown != want || want == 0 {
		t.Errorf("NotShown = %d, want %d", a.NotShown, want)
	}
	if all := Assess(Input{Now: now, Checks: checks, All: true}); all.NotShown != 0 {
		t.Errorf("with All, NotShown = %d", all.NotShown)
	}
}

func TestAMarkOnAnotherChecksFindingDoesNotNarrowAWaiver(t *testing.T) {
	waived := auditCheck.Result("infra", "nginx.conf", check.Fail, "no access log")
	stray := logoffCheck.Result("infra", "sshd_config", check.Fail, "no idle timeout")
	stray.InlineWaiver = "W-12"
	a := Assess(Input{Now: now, Checks: checks, Findings: []check.Finding{waived, stray},
		Waivers: []config.Waiver{waiver("W-12", "t.audit", "2027-01-31")}})
	if !a.Findings[0].Waived() {
		t.Error("a mark pointing W-12 at a finding of another check switched W-12 off")
	}
	if a.Findings[1].Waiver != nil {
		t.Error("W-12 waived a finding of another check")
	}
}
