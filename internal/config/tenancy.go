package config

import (
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// ephiScope reads the optional ephi mapping of a target entry.
func (p *parser) ephiScope(e *entry) EPHIScope {
	n := e.vals["ephi"]
	if n == nil || isNull(n) {
		return EPHIScope{}
	}
	m, ok := p.mapping(n, join(e.key, "ephi"), "include", "exclude")
	if !ok {
		return EPHIScope{}
	}
	return EPHIScope{Include: m.patterns("include", 3), Exclude: m.patterns("exclude", 3)}
}

// patterns returns the optional list of table patterns under name: at
// most parts dot-separated globs (name, schema.name, schema.name.column).
func (e *entry) patterns(name string, parts int) []string {
	list := e.strs(name)
	if len(list) == 0 {
		return list
	}
	key := join(e.key, name)
	for i, item := range e.vals[name].Content {
		if item.Kind != yaml.ScalarNode || isNull(item) || item.Value == "" {
			continue
		}
		if msg := checkPattern(item.Value, parts); msg != "" {
			e.p.addf(item.Line, fmt.Sprintf("%s[%d]", key, i), "%s %s", quote(item.Value), msg)
		}
	}
	return list
}

// checkPattern says what is wrong with a table pattern, or "".
func checkPattern(pat string, parts int) string {
	split := strings.Split(pat, ".")
	if len(split) > parts {
		if parts == 2 {
			return "has too many parts: write name or schema.name"
		}
		return "has too many parts: write name, schema.name or schema.name.column"
	}
	for _, part := range split {
		if part == "" {
			return "has an empty part"
		}
		if _, err := path.Match(part, ""); err != nil {
			return "is not a valid glob"
		}
	}
	return ""
}
