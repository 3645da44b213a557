package terraform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// modInst is one instance of a module being evaluated, with the values of
// everything evaluated in it so far.
type modInst struct {
	mod    *module
	prefix string // address prefix: "" or "module.db[0]."
	key    string // key in .terraform/modules/modules.json: "db.net"
	depth  int
	inputs map[string]cty.Value

	vars    map[string]cty.Value
	locals  map[string]cty.Value
	modules map[string]cty.Value
	outputs map[string]cty.Value
	res     map[string]map[string]cty.Value
	data    map[string]map[string]cty.Value
	extra   map[string]bool // attribute names referenced on resources
}

// commonComputed are attributes that providers compute and configurations
// commonly reference; a resource value has them (unknown) when they are not
// configured, so that a reference to them links instead of failing.
var commonComputed = []string{
	"id", "arn", "name", "bucket", "key_id", "self_link", "endpoint", "address",
	"domain_name", "dns_name", "zone_id", "fqdn", "url", "json", "value",
	"bucket_regional_domain_name", "principal_id", "object_id", "identity",
	"connection_name", "private_ip_address", "email", "unique_id",
}

// evalModule evaluates every node of m in dependency order and returns its
// outputs as an object.
func (l *loader) evalModule(m *module, in *modInst) cty.Value {
	fresh := m.graph == nil
	g := graphOf(m)
	if fresh {
		l.snap.Errors = append(l.snap.Errors, g.cycles...)
	}
	in.mod = m
	in.vars, in.locals = map[string]cty.Value{}, map[string]cty.Value{}
	in.modules, in.outputs = map[string]cty.Value{}, map[string]cty.Value{}
	in.res, in.data = map[string]map[string]cty.Value{}, map[string]map[string]cty.Value{}
	if g.attrs == nil {
		g.attrs = referencedAttrs(g)
	}
	in.extra = g.attrs
	for name, v := range m.vars {
		in.vars[name] = l.varValue(in, v)
	}
	for _, n := range g.order {
		if l.ctx.Err() != nil {
			l.problem(nil, "evaluation stopped: %v", l.ctx.Err())
			break
		}
		l.evalNode(in, n)
	}
	if len(in.outputs) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(in.outputs)
}

func (l *loader) varValue(in *modInst, v *variable) cty.Value {
	if val, ok := in.inputs[v.name]; ok {
		return l.convertVar(v, val, v.rng)
	}
	if v.def != cty.NilVal {
		return v.def
	}
	return cty.UnknownVal(v.ty)
}

func (l *loader) evalNode(in *modInst, n *node) {
	switch {
	case n.local != nil:
		name := strings.TrimPrefix(n.key, "local.")
		in.locals[name], _ = l.eval(in, n.local.Expr, l.evalCtx(in, n.travs))
	case n.out != nil:
		name := strings.TrimPrefix(n.key, "output.")
		in.outputs[name], _ = l.eval(in, n.out.Expr, l.evalCtx(in, n.travs))
	case n.call != nil:
		l.evalCall(in, n)
	case n.res != nil:
		l.evalResource(in, n)
	}
}

// eval evaluates expr; an expression that cannot be evaluated is unknown.
func (l *loader) eval(in *modInst, expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, bool) {
	v, ds := expr.Value(ctx)
	if ds.HasErrors() {
		return cty.DynamicVal, false
	}
	return v, true
}

// referencedAttrs collects the attribute names referenced on resources
// and data sources anywhere in a module.
func referencedAttrs(g *graph) map[string]bool {
	out := map[string]bool{}
	for _, name := range commonComputed {
		out[name] = true
	}
	for _, n := range g.order {
		for _, t := range n.travs {
			parts := attrNames(t, 5)
			skip := 2
			if len(parts) > 0 && parts[0] == "data" {
				skip = 3
			}
			for i := skip; i < len(parts); i++ {
				out[parts[i]] = true
			}
		}
	}
	return out
}

// evalCtx builds an evaluation context holding only what travs reference.
func (l *loader) evalCtx(in *modInst, travs []hcl.Traversal) *hcl.EvalContext {
	scopes := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	put := func(root, name string, v cty.Value, ok bool) {
		if !ok {
			return
		}
		if scopes[root] == nil {
			scopes[root] = map[string]cty.Value{}
		}
		scopes[root][name] = v
	}
	for _, t := range travs {
		p := attrNames(t, 3)
		if len(p) < 2 {
			continue
		}
		switch p[0] {
		case "var":
			v, ok := in.vars[p[1]]
			put("var", p[1], v, ok)
		case "local":
			v, ok := in.locals[p[1]]
			put("local", p[1], v, ok)
		case "module":
			v, ok := in.modules[p[1]]
			put("module", p[1], v, ok)
		case "data":
			if v, ok := in.data[p[1]][safeIndex(p, 2)]; ok {
				if data[p[1]] == nil {
					data[p[1]] = map[string]cty.Value{}
				}
				data[p[1]][p[2]] = v
			}
		default:
			v, ok := in.res[p[0]][p[1]]
			put(p[0], p[1], v, ok)
		}
	}
	vars := map[string]cty.Value{
		"path": cty.ObjectVal(map[string]cty.Value{
			"module": cty.StringVal(in.mod.dir), "root": cty.StringVal("."),
			"cwd": cty.StringVal("."),
		}),
		"terraform": cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")}),
	}
	for root, m := range scopes {
		vars[root] = cty.ObjectVal(m)
	}
	if len(data) > 0 {
		dv := map[string]cty.Value{}
		for typ, m := range data {
			dv[typ] = cty.ObjectVal(m)
		}
		vars["data"] = cty.ObjectVal(dv)
	}
	return &hcl.EvalContext{Variables: vars, Functions: l.functions(in.mod.dir)}
}

func safeIndex(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return ""
}

// instance is one expansion of a block with count or for_each.
type instance struct {
	suffix     string    // "", "[0]", "[\"a\"]", "[?]"
	index      cty.Value // count.index, or cty.NilVal
	key, value cty.Value // each.key and each.value, or cty.NilVal
	intKey     bool
	strKey     string
}

// withInstance returns ctx extended with count or each of i.
func withInstance(ctx *hcl.EvalContext, i instance) *hcl.EvalContext {
	if i.index == cty.NilVal && i.key == cty.NilVal {
		return ctx
	}
	c := ctx.NewChild()
	c.Variables = map[string]cty.Value{}
	if i.index != cty.NilVal {
		c.Variables["count"] = cty.ObjectVal(map[string]cty.Value{"index": i.index})
	}
	if i.key != cty.NilVal {
		c.Variables["each"] = cty.ObjectVal(map[string]cty.Value{"key": i.key, "value": i.value})
	}
	return c
}

// expand evaluates count or for_each of a block.
func (l *loader) expand(in *modInst, what string, count, forEach hcl.Expression,
	rng hcl.Range) ([]instance, int) {
	switch {
	case count != nil:
		return l.expandCount(in, what, count)
	case forEach != nil:
		return l.expandForEach(in, what, forEach)
	}
	return []instance{{}}, 0
}

const (
	single = iota
	counted
	keyed
)

func unknownInstance(kind int) []instance {
	i := instance{suffix: "[?]"}
	if kind == counted {
		i.index = cty.UnknownVal(cty.Number)
	} else {
		i.key, i.value = cty.UnknownVal(cty.String), cty.DynamicVal
	}
	return []instance{i}
}

func (l *loader) expandCount(in *modInst, what string, e hcl.Expression) ([]instance, int) {
	v, _ := l.eval(in, e, l.evalCtx(in, e.Variables()))
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() || v.Type() != cty.Number {
		return unknownInstance(counted), counted
	}
	if v.IsNull() {
		rng := e.Range()
		l.problem(&rng, "%s: count is null", what)
		return nil, counted
	}
	n, _ := v.AsBigFloat().Int64()
	if n > maxInstances {
		rng := e.Range()
		l.problem(&rng, "%s: count %d exceeds %d instances; only the first %d are read",
			what, n, maxInstances, maxInstances)
		n = maxInstances
	}
	out := make([]instance, 0, max(n, 0))
	for i := int64(0); i < n; i++ {
		out = append(out, instance{suffix: fmt.Sprintf("[%d]", i), index: cty.NumberIntVal(i),
			intKey: true})
	}
	return out, counted
}

func (l *loader) expandForEach(in *modInst, what string, e hcl.Expression) ([]instance, int) {
	v, _ := l.eval(in, e, l.evalCtx(in, e.Variables()))
	raw, pvm := v.UnmarkDeepWithPaths()
	if !keysKnown(raw) {
		return unknownInstance(keyed), keyed
	}
	rng := e.Range()
	ty := raw.Type()
	if raw.IsNull() || !(ty.IsMapType() || ty.IsObjectType() || ty.IsSetType() ||
		ty.IsListType() || ty.IsTupleType()) {
		l.problem(&rng, "%s: for_each needs a map or a set of strings", what)
		return nil, keyed
	}
	var out []instance
	isSet := !(ty.IsMapType() || ty.IsObjectType())
	for it := raw.ElementIterator(); it.Next(); {
		if len(out) == maxInstances {
			l.problem(&rng, "%s: for_each exceeds %d instances; only the first %d are read",
				what, maxInstances, maxInstances)
			break
		}
		k, elem := it.Element()
		elem = elem.WithMarks(marksAt(pvm, k)...)
		if isSet {
			k = elem
			kr, _ := k.Unmark()
			if !kr.IsKnown() {
				return unknownInstance(keyed), keyed
			}
			if kr.Type() != cty.String || kr.IsNull() {
				l.problem(&rng, "%s: for_each set elements must be strings", what)
				return nil, keyed
			}
			k = kr
		}
		out = append(out, instance{suffix: fmt.Sprintf("[%q]", k.AsString()),
			key: k, value: elem, strKey: k.AsString()})
	}
	return out, keyed
}

// marksAt returns the marks found under the element with key k.
func marksAt(pvm []cty.PathValueMarks, k cty.Value) []cty.ValueMarks {
	var out []cty.ValueMarks
	for _, pm := range pvm {
		if len(pm.Path) == 0 {
			out = append(out, pm.Marks)
			continue
		}
		switch s := pm.Path[0].(type) {
		case cty.IndexStep:
			if s.Key.RawEquals(k) {
				out = append(out, pm.Marks)
			}
		case cty.GetAttrStep:
			if k.Type() == cty.String && s.Name == k.AsString() {
				out = append(out, pm.Marks)
			}
		}
	}
	return out
}

// collect builds the value of an expanded block from its instances.
func collect(kind int, insts []instance, vals []cty.Value, unknownAddr string) cty.Value {
	if len(insts) == 1 && insts[0].suffix == "[?]" {
		return cty.DynamicVal.Mark(refMark{unknownAddr})
	}
	switch kind {
	case counted:
		if len(vals) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(vals)
	case keyed:
		if len(vals) == 0 {
			return cty.EmptyObjectVal
		}
		m := make(map[string]cty.Value, len(vals))
		for i, in := range insts {
			m[in.strKey] = vals[i]
		}
		return cty.ObjectVal(m)
	}
	if len(vals) == 0 {
		return cty.DynamicVal
	}
	return vals[0]
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// keysKnown reports whether the keys of a for_each collection are known:
// a known map, object, list or tuple (whose values may still be unknown),
// or a set whose elements are all known.
func keysKnown(v cty.Value) bool {
	if !v.IsKnown() {
		return false
	}
	if v.Type().IsSetType() {
		return v.IsWhollyKnown()
	}
	return true
}
