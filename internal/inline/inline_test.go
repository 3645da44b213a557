package inline

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kollguard/kollguard/internal/check"
)

func TestMarks(t *testing.T) {
	cases := []struct {
		name, path, data string
		want             []Mark
	}{
		{"a hash comment on its own line", "a.conf", "x = 1\n# kollguard:waive W-12\ny = 2\n",
			[]Mark{{ID: "W-12", Line: 2}}},
		{"a trailing slash comment", "main.tf", "a = 1 // kollguard:waive W-3\n",
			[]Mark{{ID: "W-3", Line: 1}}},
		{"several IDs, with a colon and commas", "a.yaml",
			"key: v  #kollguard:waive: W-1, W-2 -- temporary\n",
			[]Mark{{ID: "W-1", Line: 1}, {ID: "W-2", Line: 1}}},
		{"text outside a comment is not a mark", "a.yaml", "note: kollguard:waive W-9\n", nil},
		{"a longer keyword is not a mark", "a.conf", "# kollguard:waiver W-9\n", nil},
		{"JSON has no comments", "a.json", "{\"a\": \"# kollguard:waive W-9\"}\n", nil},
		{"a mark with no ID names nothing", "a.conf", "# kollguard:waive\n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Marks(tc.path, []byte(tc.data))); diff != "" {
				t.Fatalf("marks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMarkCoversItsLineAndTheNext(t *testing.T) {
	m := Mark{ID: "W-1", Line: 4}
	for line, want := range map[int]bool{3: false, 4: true, 5: true, 6: false} {
		if m.Covers(line) != want {
			t.Errorf("Covers(%d) = %v; want %v", line, !want, want)
		}
	}
}

func TestApply(t *testing.T) {
	c := check.Check{ID: "x.y", Severity: check.High, Safeguards: []string{"164.312(d)"}}
	fail := c.Result("clinic", "r", check.Fail, "bad").At("k8s/deploy.yaml", 14)
	findings := []check.Finding{fail}
	marks := map[string][]Mark{
		"k8s/deploy.yaml": {{ID: "W-12", Line: 13}, {ID: "W-99", Line: 20}},
	}
	got := Apply(findings, marks, map[string]string{"W-12": "x.y"})

	t.Run("an approved mark points the finding it covers at its waiver", func(t *testing.T) {
		want := fail
		want.InlineWaiver = "W-12"
		if diff := cmp.Diff(want, got[0]); diff != "" {
			t.Fatalf("finding (-want +got):\n%s", diff)
		}
		if findings[0].InlineWaiver != "" {
			t.Error("Apply changed the caller's finding")
		}
	})
	t.Run("an approved mark adds no finding", func(t *testing.T) {
		if len(got) != 2 {
			t.Fatalf("got %d findings; want 2", len(got))
		}
	})
	t.Run("an unapproved mark is a failing finding at the mark", func(t *testing.T) {
		f := got[1]
		if f.Check != "inline.unapproved-waiver" || f.Status != check.Fail ||
			f.Target != "clinic" || f.Location == nil ||
			*f.Location != (check.Location{Path: "k8s/deploy.yaml", Line: 20}) ||
			f.Evidence["waiver"] != "W-99" {
			t.Fatalf("got %+v", f)
		}
	})
	t.Run("a mark naming a waiver of another check is a finding", func(t *testing.T) {
		other := Apply(findings, marks, map[string]string{"W-12": "nginx.hsts", "W-99": "x.y"})
		if len(other) != 3 || other[0].InlineWaiver != "" ||
			!strings.Contains(other[1].Message, "a waiver of nginx.hsts, but no nginx.hsts") {
			t.Fatalf("got %+v", other)
		}
	})
	t.Run("no approved waivers at all makes every mark a finding", func(t *testing.T) {
		if n := len(Apply(findings, marks, nil)); n != 3 {
			t.Fatalf("got %d findings; want 3", n)
		}
	})
}

func TestChecksCiteDocumentation(t *testing.T) {
	cs := Checks()
	if len(cs) != 1 || cs[0].ID != "inline.unapproved-waiver" ||
		!cmp.Equal(cs[0].Safeguards, []string{"164.316(b)(1)"}) {
		t.Fatalf("got %+v", cs)
	}
}
