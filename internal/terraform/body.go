package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Meta-arguments and meta-blocks of a resource that are not its
// configuration.
var (
	metaArgs = map[string]bool{"count": true, "for_each": true, "provider": true,
		"depends_on": true}
	metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}
)

// bodyResult accumulates the evaluation of one block body.
type bodyResult struct {
	vals   map[string]cty.Value
	attrs  map[string]any
	refs   map[string][]string
	blocks map[string][]cty.Value
	lists  map[string][]any
	unsure map[string]string // block types whose dynamic for_each is unknown
}

func newBodyResult() *bodyResult {
	return &bodyResult{
		vals: map[string]cty.Value{}, attrs: map[string]any{}, refs: map[string][]string{},
		blocks: map[string][]cty.Value{}, lists: map[string][]any{}, unsure: map[string]string{},
	}
}

// evalBody evaluates a block body into a cty object (for references), its
// plain rendering (for the snapshot) and the resources each top-level
// argument was derived from.
func (l *loader) evalBody(in *modInst, body hcl.Body, ctx *hcl.EvalContext,
	top bool) (cty.Value, map[string]any, map[string][]string) {
	r := newBodyResult()
	if sb, ok := body.(*hclsyntax.Body); ok {
		l.evalSyntaxBody(in, sb, ctx, top, r)
	} else {
		attrs, _ := body.JustAttributes()
		for name, a := range attrs {
			if !top || !metaArgs[name] {
				l.evalAttr(in, name, a.Expr, ctx, r)
			}
		}
	}
	return r.finish()
}

func (l *loader) evalSyntaxBody(in *modInst, sb *hclsyntax.Body, ctx *hcl.EvalContext,
	top bool, r *bodyResult) {
	for name, a := range sb.Attributes {
		if !top || !metaArgs[name] {
			l.evalAttr(in, name, a.Expr, ctx, r)
		}
	}
	for _, b := range sb.Blocks {
		switch {
		case top && metaBlocks[b.Type]:
		case b.Type == "dynamic" && len(b.Labels) == 1:
			l.evalDynamic(in, b, ctx, r)
		default:
			l.addBlock(in, b.Type, b.Body, ctx, r)
		}
	}
}

func (l *loader) evalAttr(in *modInst, name string, expr hcl.Expression,
	ctx *hcl.EvalContext, r *bodyResult) {
	v, ok := l.eval(in, expr, ctx)
	plainV, refs := render(v, l.describe(expr))
	if !ok {
		refs = staticRefs(in, expr.Variables())
	}
	r.vals[name] = v
	r.attrs[name] = plainV
	if len(refs) > 0 {
		r.refs[name] = append(r.refs[name], refs...)
	}
}

// addBlock evaluates one nested block and appends it to its type's list.
func (l *loader) addBlock(in *modInst, typ string, body *hclsyntax.Body,
	ctx *hcl.EvalContext, r *bodyResult) {
	obj, attrs, refs := l.evalBody(in, body, ctx, false)
	r.blocks[typ] = append(r.blocks[typ], obj)
	r.lists[typ] = append(r.lists[typ], attrs)
	for _, rs := range refs {
		r.refs[typ] = append(r.refs[typ], rs...)
	}
}

// evalDynamic expands a dynamic block: one content block per element of
// its for_each, with the iterator (the block's label unless `iterator`
// names another) holding key and value.
func (l *loader) evalDynamic(in *modInst, b *hclsyntax.Block, ctx *hcl.EvalContext,
	r *bodyResult) {
	typ := b.Labels[0]
	iter := typ
	if a := b.Body.Attributes["iterator"]; a != nil {
		if kw := hcl.ExprAsKeyword(a.Expr); kw != "" {
			iter = kw
		}
	}
	var content *hclsyntax.Block
	for _, cb := range b.Body.Blocks {
		if cb.Type == "content" {
			content = cb
		}
	}
	fe := b.Body.Attributes["for_each"]
	if fe == nil || content == nil {
		return
	}
	v, _ := l.eval(in, fe.Expr, ctx)
	raw, pvm := v.UnmarkDeepWithPaths()
	if !keysKnown(raw) {
		r.unsure[typ] = l.describe(fe.Expr)
		return
	}
	if raw.IsNull() || !raw.CanIterateElements() {
		return
	}
	count := 0
	for it := raw.ElementIterator(); it.Next() && count < maxInstances; count++ {
		k, elem := it.Element()
		elem = elem.WithMarks(marksAt(pvm, k)...)
		if raw.Type().IsSetType() {
			k = elem
		}
		child := ctx.NewChild()
		child.Variables = map[string]cty.Value{
			iter: cty.ObjectVal(map[string]cty.Value{"key": k, "value": elem}),
		}
		l.addBlock(in, typ, content.Body, child, r)
	}
}

// finish assembles the object and its rendering.
func (r *bodyResult) finish() (cty.Value, map[string]any, map[string][]string) {
	for typ, list := range r.blocks {
		r.vals[typ] = cty.TupleVal(list)
		r.attrs[typ] = r.lists[typ]
	}
	for typ, why := range r.unsure {
		r.vals[typ] = cty.DynamicVal
		r.attrs[typ] = unknownOf(why)
	}
	for name, refs := range r.refs {
		r.refs[name] = dedupe(refs)
	}
	if len(r.refs) == 0 {
		r.refs = nil
	}
	return cty.ObjectVal(r.vals), r.attrs, r.refs
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
