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
	p.uniqueTargets(cfg.Targets)
	p.uniqueWaivers(cfg.Waivers)
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
