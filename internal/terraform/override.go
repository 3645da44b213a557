package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// isOverride reports whether a native-syntax file is an override file,
// merged into the blocks it names after every other file is read.
func isOverride(name string) bool {
	base := strings.TrimSuffix(name, ".tf")
	return base != name && (base == "override" || strings.HasSuffix(base, "_override"))
}

// applyOverride merges an override file into m as Terraform does: an
// argument replaces the argument of the same name, a nested block type
// replaces every block of that type, and a block with no original is an
// error.
func (l *loader) applyOverride(m *module, f *hcl.File) {
	content, _, ds := f.Body.PartialContent(fileSchema)
	l.diags(ds)
	for _, b := range content.Blocks {
		switch b.Type {
		case "resource", "data":
			l.overrideResource(m, b)
		case "locals":
			attrs, ds := b.Body.JustAttributes()
			l.diags(ds)
			for name, a := range attrs {
				m.locals[name] = a
			}
		case "output":
			c, _, ds := b.Body.PartialContent(outputSchema)
			l.diags(ds)
			if a := c.Attributes["value"]; a != nil && m.outputs[b.Labels[0]] != nil {
				m.outputs[b.Labels[0]] = a
			}
		case "variable":
			if m.vars[b.Labels[0]] != nil {
				m.vars[b.Labels[0]] = l.overrideVariable(m.vars[b.Labels[0]], b)
			}
		case "module":
			if c := m.calls[b.Labels[0]]; c != nil {
				for name, a := range l.readCall(b).args {
					c.args[name] = a
				}
			}
		}
	}
}

func (l *loader) overrideResource(m *module, b *hcl.Block) {
	mode := "managed"
	if b.Type == "data" {
		mode = "data"
	}
	for _, r := range m.resources {
		if r.mode != mode || r.typ != b.Labels[0] || r.name != b.Labels[1] {
			continue
		}
		base, ok1 := r.body.(*hclsyntax.Body)
		over, ok2 := b.Body.(*hclsyntax.Body)
		if !ok1 || !ok2 {
			l.problem(&b.DefRange, "%s.%s: cannot merge an override into JSON syntax",
				b.Labels[0], b.Labels[1])
			return
		}
		r.body = mergeBodies(base, over)
		meta := l.readBlock(&hcl.Block{Type: b.Type, Labels: b.Labels, Body: r.body,
			DefRange: r.rng})
		r.count, r.forEach = meta.count, meta.forEach
		return
	}
	l.problem(&b.DefRange, "override of %s.%s, which is not declared", b.Labels[0], b.Labels[1])
}

// mergeBodies returns base with over's arguments and block types in place
// of its own.
func mergeBodies(base, over *hclsyntax.Body) *hclsyntax.Body {
	out := *base
	out.Attributes = hclsyntax.Attributes{}
	for k, a := range base.Attributes {
		out.Attributes[k] = a
	}
	for k, a := range over.Attributes {
		out.Attributes[k] = a
	}
	replaced := map[string]bool{}
	for _, b := range over.Blocks {
		replaced[blockKey(b)] = true
	}
	out.Blocks = nil
	for _, b := range base.Blocks {
		if !replaced[blockKey(b)] {
			out.Blocks = append(out.Blocks, b)
		}
	}
	out.Blocks = append(out.Blocks, over.Blocks...)
	return &out
}

// blockKey identifies a nested block type; a dynamic block counts as the
// type it generates.
func blockKey(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}

func (l *loader) overrideVariable(v *variable, b *hcl.Block) *variable {
	nv := l.readVariable(b)
	out := *v
	c, _, _ := b.Body.PartialContent(variableSchema)
	if c.Attributes["type"] != nil {
		out.ty, out.defaults = nv.ty, nv.defaults
	}
	if c.Attributes["default"] != nil {
		out.def = nv.def
	}
	return &out
}
