package terraform

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// module is the parsed configuration of one directory, shared by every
// instance of it.
type module struct {
	dir       string // relative to the root, "." for the root
	vars      map[string]*variable
	locals    map[string]*hcl.Attribute
	calls     map[string]*call
	resources []*block
	outputs   map[string]*hcl.Attribute
	graph     *graph
}

// variable is a declared input variable.
type variable struct {
	name string
	ty   cty.Type
	def  cty.Value // cty.NilVal when there is no default
	rng  hcl.Range
	// defaults fill the optional attributes of an object type
	defaults *typeexpr.Defaults
}

// call is a module block.
type call struct {
	name, source   string
	args           map[string]*hcl.Attribute
	count, forEach hcl.Expression
	rng            hcl.Range
	sourceRng      hcl.Range
}

// block is a resource or data block.
type block struct {
	mode, typ, name string
	body            hcl.Body
	count, forEach  hcl.Expression
	rng             hcl.Range
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "output", LabelNames: []string{"name"}},
}}

var variableSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "default"}, {Name: "type"},
}}

var metaSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "count"}, {Name: "for_each"},
}}

var outputSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "value"}}}

// module parses the directory dir (relative to the root) once.
func (l *loader) module(dir string, at *hcl.Range) *module {
	if m, ok := l.mods[dir]; ok {
		return m
	}
	m := &module{
		dir: dir, vars: map[string]*variable{}, locals: map[string]*hcl.Attribute{},
		calls: map[string]*call{}, outputs: map[string]*hcl.Attribute{},
	}
	l.mods[dir] = m
	files, err := configFiles(filepath.Join(l.root, dir))
	if err != nil {
		l.problem(at, "module directory %s: %v", dir, err)
		return m
	}
	var overrides []*hcl.File
	for _, name := range files {
		f := l.parseFile(path.Join(dir, name))
		switch {
		case f == nil:
		case isOverride(name):
			overrides = append(overrides, f)
		default:
			l.readFile(m, f)
		}
	}
	for _, f := range overrides {
		l.applyOverride(m, f)
	}
	return m
}

func (l *loader) readFile(m *module, f *hcl.File) {
	content, _, ds := f.Body.PartialContent(fileSchema)
	l.diags(ds)
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			m.vars[b.Labels[0]] = l.readVariable(b)
		case "locals":
			attrs, ds := b.Body.JustAttributes()
			l.diags(ds)
			for name, a := range attrs {
				m.locals[name] = a
			}
		case "module":
			m.calls[b.Labels[0]] = l.readCall(b)
		case "resource", "data":
			m.resources = append(m.resources, l.readBlock(b))
		case "output":
			c, _, ds := b.Body.PartialContent(outputSchema)
			l.diags(ds)
			if a := c.Attributes["value"]; a != nil {
				m.outputs[b.Labels[0]] = a
			}
		}
	}
}

func (l *loader) readVariable(b *hcl.Block) *variable {
	v := &variable{name: b.Labels[0], ty: cty.DynamicPseudoType, rng: b.DefRange}
	c, _, ds := b.Body.PartialContent(variableSchema)
	l.diags(ds)
	if a := c.Attributes["type"]; a != nil {
		ty, defaults, ds := typeexpr.TypeConstraintWithDefaults(a.Expr)
		l.diags(ds)
		if !ds.HasErrors() {
			v.ty, v.defaults = ty, defaults
		}
	}
	if a := c.Attributes["default"]; a != nil {
		def, ds := a.Expr.Value(nil)
		l.diags(ds)
		if !ds.HasErrors() {
			v.def = l.convertVar(v, def, a.Expr.Range())
		}
	}
	return v
}

// convertVar converts val to v's type, keeping its marks; a value of the
// wrong type is a problem and becomes unknown.
func (l *loader) convertVar(v *variable, val cty.Value, rng hcl.Range) cty.Value {
	raw, marks := val.UnmarkDeep()
	if v.defaults != nil {
		raw = v.defaults.Apply(raw)
	}
	out, err := convert.Convert(raw, v.ty)
	if err != nil {
		l.problem(&rng, "variable %q: %v", v.name, err)
		return cty.UnknownVal(v.ty).WithMarks(marks)
	}
	return out.WithMarks(marks)
}

func (l *loader) readCall(b *hcl.Block) *call {
	c := &call{name: b.Labels[0], args: map[string]*hcl.Attribute{}, rng: b.DefRange}
	attrs, ds := b.Body.JustAttributes()
	l.diags(ds)
	for name, a := range attrs {
		switch name {
		case "source":
			v, ds := a.Expr.Value(nil)
			if !ds.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				c.source = v.AsString()
			}
			c.sourceRng = a.Expr.Range()
		case "count":
			c.count = a.Expr
		case "for_each":
			c.forEach = a.Expr
		case "version", "providers", "depends_on":
		default:
			c.args[name] = a
		}
	}
	return c
}

func (l *loader) readBlock(b *hcl.Block) *block {
	r := &block{mode: "managed", typ: b.Labels[0], name: b.Labels[1], body: b.Body, rng: b.DefRange}
	if b.Type == "data" {
		r.mode = "data"
	}
	c, _, _ := b.Body.PartialContent(metaSchema)
	if a := c.Attributes["count"]; a != nil {
		r.count = a.Expr
	}
	if a := c.Attributes["for_each"]; a != nil {
		r.forEach = a.Expr
	}
	return r
}

// readManifest reads .terraform/modules/modules.json: module key to
// directory relative to the root.
func readManifest(root string) map[string]string {
	src, err := readBounded(filepath.Join(root, ".terraform", "modules", "modules.json"))
	if err != nil {
		return nil
	}
	var doc struct {
		Modules []struct{ Key, Dir string }
	}
	if json.Unmarshal(src, &doc) != nil {
		return nil
	}
	out := map[string]string{}
	for _, m := range doc.Modules {
		if m.Key != "" {
			out[m.Key] = path.Clean(filepath.ToSlash(m.Dir))
		}
	}
	return out
}

// resolve returns the directory of a module call, or "" when its source
// is neither local nor fetched.
func (l *loader) resolve(parent *module, key string, c *call) string {
	if dir, ok := l.manifest[key]; ok {
		return dir
	}
	if strings.HasPrefix(c.source, "./") || strings.HasPrefix(c.source, "../") {
		return path.Clean(path.Join(parent.dir, c.source))
	}
	return ""
}

// rootInputs computes the root module's variable values with Terraform's
// precedence: TF_VAR_ environment variables, terraform.tfvars,
// *.auto.tfvars in lexical order, VarFiles in order, then Vars.
func (l *loader) rootInputs(root *module, o Options) map[string]cty.Value {
	raw := map[string]rawValue{}
	for _, kv := range o.Env {
		name, val, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(name, "TF_VAR_") {
			raw[strings.TrimPrefix(name, "TF_VAR_")] = rawValue(val)
		}
	}
	vals := map[string]cty.Value{}
	for name, r := range raw {
		if v := root.vars[name]; v != nil {
			vals[name] = r.value(v.ty)
		}
	}
	for _, f := range l.varFiles(o) {
		l.readVarFile(f, vals)
	}
	for name, r := range o.Vars {
		if v := root.vars[name]; v != nil {
			vals[name] = rawValue(r).value(v.ty)
		}
	}
	return vals
}

// varFiles lists the variable files in precedence order, relative to the
// root when they are inside it.
func (l *loader) varFiles(o Options) []string {
	var out []string
	for _, name := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if _, err := os.Stat(filepath.Join(l.root, name)); err == nil {
			out = append(out, name)
		}
	}
	entries, _ := os.ReadDir(l.root)
	var auto []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json") {
			auto = append(auto, n)
		}
	}
	sort.Strings(auto)
	out = append(out, auto...)
	return append(out, o.VarFiles...)
}

func (l *loader) readVarFile(name string, vals map[string]cty.Value) {
	rel := name
	if filepath.IsAbs(name) {
		if r, err := filepath.Rel(l.root, name); err == nil && !strings.HasPrefix(r, "..") {
			rel = r
		}
	}
	f := l.parseFile(rel)
	if f == nil {
		return
	}
	attrs, ds := f.Body.JustAttributes()
	l.diags(ds)
	for n, a := range attrs {
		v, ds := a.Expr.Value(nil)
		l.diags(ds)
		if !ds.HasErrors() {
			vals[n] = v
		}
	}
}
