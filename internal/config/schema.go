package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// config fills cfg from the root node of the file.
func (p *parser) config(cfg *Config, root *yaml.Node) {
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.addf(root.Line, "", "expected a mapping with targets, decisions and waivers, found %s",
			kindName(root))
		return
	}
	top, ok := p.mapping(root, "", "targets", "decisions", "waivers")
	if !ok {
		return
	}
	for i, n := range p.list(top.vals["targets"], "targets") {
		// Every item is kept, valid or not, so that its index in the
		// slice is its index in the file for the checks across items.
		cfg.Targets = append(cfg.Targets, p.target(n, fmt.Sprintf("targets[%d]", i)))
	}
	for i, n := range p.list(top.vals["decisions"], "decisions") {
		cfg.Decisions = append(cfg.Decisions, p.decision(n, fmt.Sprintf("decisions[%d]", i)))
	}
	for i, n := range p.list(top.vals["waivers"], "waivers") {
		cfg.Waivers = append(cfg.Waivers, p.waiver(n, fmt.Sprintf("waivers[%d]", i)))
	}
	unique(p, cfg.Targets, "targets", "name", "target name",
		func(t Target) (string, int) { return t.Name, t.Pos.Line })
	unique(p, cfg.Waivers, "waivers", "id", "waiver ID",
		func(w Waiver) (string, int) { return w.ID, w.Pos.Line })
	p.conflicts(cfg.Decisions)
}

// Target returns the target with the given name.
func (c *Config) Target(name string) (Target, bool) {
	for _, t := range c.Targets {
		if t.Name == name {
			return t, true
		}
	}
	return Target{}, false
}

// unique reports entries of a list whose key an earlier entry already uses,
// such as a target name or a waiver ID given twice.
func unique[T any](p *parser, items []T, list, field, what string,
	key func(T) (string, int)) {
	first := map[string]int{}
	for i, it := range items {
		k, line := key(it)
		if k == "" {
			continue
		}
		if j, dup := first[k]; dup {
			_, prev := key(items[j])
			p.addf(line, fmt.Sprintf("%s[%d].%s", list, i, field),
				"%s %s is already used by %s[%d] (line %d)", what, quote(k), list, j, prev)
			continue
		}
		first[k] = i
	}
}
