package catalog

import (
	"strings"
	"testing"
)

// addressable lists every addressable specification of Subpart C, as the
// 2013 text stands.
var addressable = []string{
	"164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(3)(ii)(C)",
	"164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.308(a)(5)(ii)(A)",
	"164.308(a)(5)(ii)(B)", "164.308(a)(5)(ii)(C)", "164.308(a)(5)(ii)(D)",
	"164.308(a)(7)(ii)(D)", "164.308(a)(7)(ii)(E)", "164.310(a)(2)(i)", "164.310(a)(2)(ii)",
	"164.310(a)(2)(iii)", "164.310(a)(2)(iv)", "164.310(d)(2)(iii)", "164.310(d)(2)(iv)",
	"164.312(a)(2)(iii)", "164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(2)(i)",
	"164.312(e)(2)(ii)",
}

func TestTheWholeRuleIsThere(t *testing.T) {
	perSection := map[string]int{}
	var gotAddressable []string
	for _, sg := range All() {
		perSection[sg.Section]++
		if sg.Kind == Addressable {
			gotAddressable = append(gotAddressable, sg.ID)
		}
		std, ok := Lookup(sg.Standard)
		if !ok || !std.IsStandard() || std.Kind != Required {
			t.Errorf("%s: parent %s is not a required standard of the catalog", sg.ID, sg.Standard)
		}
		if !strings.HasPrefix(sg.ID, sg.Section+"(") || SectionTitle(sg.Section) == "" {
			t.Errorf("%s: section %q", sg.ID, sg.Section)
		}
		if sg.Technical() && sg.Summary == "" {
			t.Errorf("%s: a technical safeguard without an engineer-facing summary", sg.ID)
		}
	}
	want := map[string]int{"164.308": 30, "164.310": 12, "164.312": 12, "164.314": 6,
		"164.316": 5}
	for s, n := range want {
		if perSection[s] != n {
			t.Errorf("section %s has %d entries, want %d", s, perSection[s], n)
		}
	}
	if strings.Join(gotAddressable, " ") != strings.Join(addressable, " ") {
		t.Errorf("addressable specifications:\n got %v\nwant %v", gotAddressable, addressable)
	}
}

func TestLookupOfAnUnknownCitation(t *testing.T) {
	if _, ok := Lookup("164.312(z)"); ok {
		t.Error("Lookup found a citation that does not exist")
	}
}
