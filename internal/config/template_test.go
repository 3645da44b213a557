package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/catalog"
)

func TestTemplate(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)
	var b strings.Builder
	if err := Template(&b, now); err != nil {
		t.Fatal(err)
	}
	out := b.String()

	t.Run("an unfilled template is refused, naming every TODO", func(t *testing.T) {
		_, err := Parse("kollguard.yaml", []byte(out), testChecks)
		var list ErrorList
		if !errors.As(err, &list) {
			t.Fatalf("unfilled template: err = %v, want an ErrorList", err)
		}
		for _, e := range list {
			if !strings.Contains(e.Msg, "still TODO") || e.Pos.Line == 0 {
				t.Errorf("unexpected error %v", e)
			}
		}
		if n := strings.Count(out, `"TODO"`); len(list) != n {
			t.Errorf("got %d errors for %d TODOs", len(list), n)
		}
	})
	t.Run("the template parses once filled in", func(t *testing.T) {
		filled := strings.ReplaceAll(out, `"TODO"`, `"documented"`)
		cfg, err := Parse("kollguard.yaml", []byte(filled), testChecks)
		if err != nil {
			t.Fatalf("template does not parse:\n%s\n%s", err, filled)
		}
		var want []string
		for _, sg := range catalog.All() {
			if sg.Kind == catalog.Addressable {
				want = append(want, sg.ID)
			}
		}
		var got []string
		for _, d := range cfg.Decisions {
			got = append(got, d.Safeguard)
			if d.ApprovedOn.String() != "2026-12-03" || d.ReviewBy.String() != "2027-12-03" {
				t.Errorf("%s: dated %s to %s", d.Safeguard, d.ApprovedOn, d.ReviewBy)
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("decisions for %v, want every addressable safeguard %v", got, want)
		}
	})
	t.Run("every decision carries its citation, title and summary", func(t *testing.T) {
		sg, _ := catalog.Lookup("164.312(a)(2)(iii)")
		if !strings.Contains(out, "# 164.312(a)(2)(iii) Automatic logoff\n") {
			t.Error("no heading comment for 164.312(a)(2)(iii)")
		}
		first := strings.Fields(sg.Summary)[0]
		if !strings.Contains(out, "  # "+first) {
			t.Error("no summary comment for 164.312(a)(2)(iii)")
		}
	})
	t.Run("the example targets and waivers parse once uncommented", func(t *testing.T) {
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			switch {
			case strings.HasPrefix(l, "# targets:"), strings.HasPrefix(l, "# waivers:"),
				strings.HasPrefix(l, "#   "):
				lines = append(lines, l[2:])
			default:
				lines = append(lines, l)
			}
		}
		uncommented := strings.ReplaceAll(strings.Join(lines, "\n"), `"TODO"`, `"documented"`)
		cfg, err := Parse("kollguard.yaml", []byte(uncommented), testChecks)
		if err != nil {
			t.Fatalf("uncommented template does not parse: %v", err)
		}
		if len(cfg.Targets) != 1 || len(cfg.Waivers) != 1 {
			t.Errorf("got %d targets and %d waivers, want 1 and 1",
				len(cfg.Targets), len(cfg.Waivers))
		}
	})
	t.Run("no line is wider than 100 columns", func(t *testing.T) {
		for i, l := range strings.Split(out, "\n") {
			if len(l) > 100 {
				t.Errorf("line %d has %d columns", i+1, len(l))
			}
		}
	})
}
