package config

import (
	"strings"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	var tmpl strings.Builder
	if err := Template(&tmpl, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"", validYAML, tmpl.String(), "- a\n", "x", "targets: &a [*a]\n",
		"targets:\n  - <<: {name: a}\n", "a: !!binary aGk=\n", "\t\x00\xff",
		strings.Repeat("[", 200), "? [a]\n: b\n", "targets: [{name: x, url: 'postgres://u:p@h'}]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data, testChecks)
		if err == nil {
			if cfg == nil {
				t.Fatal("Parse returned neither a config nor an error")
			}
			return
		}
		if cfg != nil {
			t.Fatal("Parse returned a config with its errors")
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(line, "fuzz.yaml:") {
				t.Fatalf("error line does not start with the file name: %q", line)
			}
		}
	})
}
