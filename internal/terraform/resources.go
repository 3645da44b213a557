package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalResource evaluates every instance of a resource or data block,
// records it in the snapshot and makes its value referenceable.
func (l *loader) evalResource(in *modInst, n *node) {
	r := n.res
	local := r.typ + "." + r.name
	if r.mode == "data" {
		local = "data." + local
	}
	what := in.prefix + local
	insts, kind := l.expand(in, what, r.count, r.forEach, r.rng)
	if !l.spend(len(insts), what) {
		insts = nil
	}
	ctx := l.evalCtx(in, n.travs)
	vals := make([]cty.Value, 0, len(insts))
	// Nothing in the module can read the value of an unreferenced resource.
	referenced := in.mod.graph.referenced[n.key]
	for _, i := range insts {
		addr := what + i.suffix
		obj, attrs, refs := l.evalBody(in, r.body, withInstance(ctx, i), true)
		if r.mode == "data" && r.typ == "aws_iam_policy_document" {
			obj, attrs = policyDocument(obj, attrs)
		}
		l.snap.Resources = append(l.snap.Resources, Resource{
			Address: addr, Mode: r.mode, Type: r.typ, Name: r.name,
			File: r.rng.Filename, Line: r.rng.Start.Line,
			Attributes: attrs, References: refs,
		})
		if referenced {
			vals = append(vals, withComputed(obj, in.extra).Mark(refMark{addr}))
		} else {
			vals = append(vals, cty.DynamicVal)
		}
	}
	v := collect(kind, insts, vals, what+"[?]")
	table := in.res
	if r.mode == "data" {
		table = in.data
	}
	if table[r.typ] == nil {
		table[r.typ] = map[string]cty.Value{}
	}
	table[r.typ][r.name] = v
}

// computedVal stands for an attribute the provider computes: most that
// configurations reference (ids, ARNs, names) are strings, and none is
// null, so that `x == null` on one is known to be false.
var computedVal = cty.UnknownVal(cty.String).RefineNotNull()

// withComputed adds the referenced attributes obj does not configure, as
// unknown values.
func withComputed(obj cty.Value, extra map[string]bool) cty.Value {
	if !obj.Type().IsObjectType() || !obj.IsKnown() || obj.IsNull() {
		return obj
	}
	m := obj.AsValueMap()
	if m == nil {
		m = map[string]cty.Value{}
	}
	for name := range extra {
		if _, ok := m[name]; !ok {
			m[name] = computedVal
		}
	}
	return cty.ObjectVal(m)
}

// evalCall evaluates every instance of a module call.
func (l *loader) evalCall(in *modInst, n *node) {
	c := n.call
	what := in.prefix + "module." + c.name
	if in.depth+1 > maxModuleDepth {
		l.problem(&c.rng, "%s: modules nested deeper than %d", what, maxModuleDepth)
		in.modules[c.name] = cty.DynamicVal
		return
	}
	key := c.name
	if in.key != "" {
		key = in.key + "." + c.name
	}
	dir := l.resolve(in.mod, key, c)
	if dir == "" {
		l.problem(&c.sourceRng, "module %q: source %q is not local and not fetched "+
			"(run terraform init)", c.name, c.source)
		in.modules[c.name] = cty.DynamicVal
		return
	}
	child := l.module(dir, &c.rng)
	insts, kind := l.expand(in, what, c.count, c.forEach, c.rng)
	if !l.spend(len(insts), what) {
		insts = nil
	}
	ctx := l.evalCtx(in, n.travs)
	vals := make([]cty.Value, 0, len(insts))
	for _, i := range insts {
		ictx := withInstance(ctx, i)
		inputs := map[string]cty.Value{}
		for name, a := range c.args {
			inputs[name], _ = l.eval(in, a.Expr, ictx)
		}
		ci := &modInst{prefix: what + i.suffix + ".", key: key, depth: in.depth + 1,
			inputs: inputs}
		vals = append(vals, l.evalModule(child, ci))
	}
	in.modules[c.name] = collect(kind, insts, vals, what+"[?]")
}

// staticRefs names the resources an expression refers to when it could
// not be evaluated, without instance keys.
func staticRefs(in *modInst, travs []hcl.Traversal) []string {
	var out []string
	for _, t := range travs {
		k := refKey(t)
		if k == "" || strings.HasPrefix(k, "local.") || strings.HasPrefix(k, "module.") {
			continue
		}
		out = append(out, in.prefix+k)
	}
	return out
}
