package config

import (
	"path"

	"gopkg.in/yaml.v3"
)

// waiver reads one entry of waivers.
func (p *parser) waiver(n *yaml.Node, key string) Waiver {
	e, ok := p.mapping(n, key, "id", "check", "target", "resource", "reason", "owner", "expires")
	if !ok {
		return Waiver{}
	}
	w := Waiver{
		ID:       e.required("id", "missing: every waiver needs an id"),
		Check:    e.required("check", "missing: name the check ID the waiver excepts"),
		Target:   e.str("target"),
		Resource: e.str("resource"),
		Reason:   e.required("reason", "missing: every waiver needs a reason"),
		Owner:    e.required("owner", "missing: every waiver needs an owner"),
		Pos:      Pos{File: p.file, Line: n.Line},
	}
	name := "waiver"
	if w.ID != "" {
		name += " " + w.ID
	}
	w.Expires = e.date("expires", name+" has no expires: every waiver must end")
	if w.Check != "" && p.checks != nil {
		if _, ok := p.checks.Lookup(w.Check); !ok {
			p.addf(e.line("check"), join(key, "check"),
				"unknown check ID %s: kollguard checks lists them", quote(w.Check))
		}
	}
	for _, g := range [][2]string{{"target", w.Target}, {"resource", w.Resource}} {
		field, pattern := g[0], g[1]
		if _, err := path.Match(pattern, ""); err != nil {
			p.addf(e.line(field), join(key, field), "%s is not a valid glob pattern: %v",
				quote(pattern), err)
		}
	}
	return w
}
