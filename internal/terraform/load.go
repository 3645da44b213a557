package terraform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// BUG(kollguard): in JSON syntax (.tf.json) nested blocks are read as plain
// objects and "dynamic" blocks are not expanded; the checks accept both block
// shapes, but a JSON dynamic block's content is not judged.

// BUG(kollguard): functions this package does not implement (timestamp,
// uuid, cidrsubnet, provider-defined functions, ...) make the arguments that
// use them unknown, and the checks reading those arguments report unknown
// findings rather than a verdict.

// BUG(kollguard): override files in JSON syntax (override.tf.json,
// *_override.tf.json) are read as ordinary files, so a resource they
// override is reported as a duplicate; moved, import and removed blocks are
// ignored.

// BUG(kollguard): HCL evaluates one expression without a step budget: for
// expressions nested over large ranges in a hostile file can take long,
// although count, for_each, module depth and the total instances are capped.

// Options are the inputs Terraform itself would take from its command line
// and environment.
type Options struct {
	// VarFiles are -var-file arguments in the order given; a relative path
	// is relative to the scanned directory.
	VarFiles []string
	// Vars are -var name=value arguments; they win over every file.
	Vars map[string]string
	// Env is the process environment (os.Environ()); TF_VAR_name entries
	// set root variables.
	Env []string
	// PlanFile, when set, is the output of `terraform show -json` (a plan or
	// a state) to read instead of the configuration.
	PlanFile string
}

// Bounds on the work one directory can cost.
const (
	maxModuleDepth = 10
	maxInstances   = 10000
	maxFileSize    = 16 << 20
	// maxTotal bounds the resource and module instances of one Load, so
	// that counted modules nested in each other cannot multiply without
	// end.
	maxTotal = 200000
)

// IsTerraformDir reports whether dir holds Terraform configuration files
// (*.tf, *.tf.json) or a plan or state written by `terraform show -json`.
func IsTerraformDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if isConfigFile(e.Name()) {
			return true
		}
	}
	return findPlan(dir) != ""
}

func isConfigFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// Load reads dir into a snapshot. Problems in single files (a syntax error,
// a missing module, an evaluation cycle) are recorded in Snapshot.Errors and
// the rest of the directory still loads; Load returns an error only when
// there is nothing it could read.
func Load(ctx context.Context, dir string, o Options) (*Snapshot, error) {
	if o.PlanFile != "" {
		return loadPlan(dir, o.PlanFile)
	}
	files, err := configFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	if len(files) == 0 {
		if plan := findPlan(dir); plan != "" {
			return loadPlan(dir, plan)
		}
		return nil, fmt.Errorf("%s: no Terraform files", dir)
	}
	l := newLoader(ctx, dir)
	root := l.module(".", nil)
	inputs := l.rootInputs(root, o)
	l.evalModule(root, &modInst{prefix: "", depth: 0, inputs: inputs})
	l.finish()
	return l.snap, nil
}

// configFiles lists dir's .tf and .tf.json files in lexical order.
func configFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && isConfigFile(e.Name()) && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// loader holds the state of one Load.
type loader struct {
	ctx      context.Context
	root     string
	parser   *hclparse.Parser
	mods     map[string]*module
	manifest map[string]string
	snap     *Snapshot
	funcs    map[string]funcTable
	spent    int  // instances expanded so far
	stopped  bool // maxTotal was reached
}

func newLoader(ctx context.Context, dir string) *loader {
	l := &loader{
		ctx:    ctx,
		root:   dir,
		parser: hclparse.NewParser(),
		mods:   map[string]*module{},
		snap:   &Snapshot{Dir: dir, Source: "configuration"},
		funcs:  map[string]funcTable{},
	}
	l.manifest = readManifest(dir)
	return l
}

// problem records a problem at rng (which may be nil).
func (l *loader) problem(rng *hcl.Range, format string, args ...any) {
	p := Problem{Message: fmt.Sprintf(format, args...)}
	if rng != nil {
		p.File, p.Line = rng.Filename, rng.Start.Line
	}
	l.snap.Errors = append(l.snap.Errors, p)
}

// diags records every error among ds.
func (l *loader) diags(ds hcl.Diagnostics) {
	for _, d := range ds {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		l.problem(d.Subject, "%s", msg)
	}
}

// parseFile parses one file whose path is relative to the root; it returns
// nil when the file cannot be read at all.
func (l *loader) parseFile(rel string) *hcl.File {
	full := rel
	if !filepath.IsAbs(rel) {
		full = filepath.Join(l.root, rel)
	}
	src, err := readBounded(full)
	if err != nil {
		l.problem(nil, "%s: %v", rel, err)
		return nil
	}
	var f *hcl.File
	var ds hcl.Diagnostics
	if strings.HasSuffix(rel, ".json") {
		f, ds = l.parser.ParseJSON(src, rel)
	} else {
		f, ds = l.parser.ParseHCL(src, rel)
	}
	l.diags(ds)
	return f
}

// readBounded reads a file of at most maxFileSize bytes.
func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("file larger than %d bytes", maxFileSize)
	}
	return os.ReadFile(path)
}

// source returns the text of rng, shortened for messages.
func (l *loader) source(rng hcl.Range) string {
	f := l.parser.Files()[rng.Filename]
	if f == nil || rng.End.Byte > len(f.Bytes) || rng.Start.Byte > rng.End.Byte {
		return ""
	}
	s := strings.Join(strings.Fields(string(f.Bytes[rng.Start.Byte:rng.End.Byte])), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// describe names an expression for an unknown marker: file:line: text.
func (l *loader) describe(expr hcl.Expression) string {
	rng := expr.Range()
	return fmt.Sprintf("%s:%d: %s", rng.Filename, rng.Start.Line, l.source(rng))
}

// rawValue is a variable value given as a string on the command line or in
// the environment; its meaning depends on the variable's type.
type rawValue string

// value converts r for a variable of type ty as Terraform does: strings
// stay raw, other types are parsed as HCL expressions.
func (r rawValue) value(ty cty.Type) cty.Value {
	if ty == cty.String || ty == cty.DynamicPseudoType {
		return cty.StringVal(string(r))
	}
	expr, ds := hclsyntax.ParseExpression([]byte(r), "<value>", hcl.InitialPos)
	if ds.HasErrors() {
		return cty.StringVal(string(r))
	}
	v, ds := expr.Value(nil)
	if ds.HasErrors() {
		return cty.StringVal(string(r))
	}
	return v
}

// finish puts the snapshot in a stable order.
func (l *loader) finish() {
	sort.SliceStable(l.snap.Resources, func(i, j int) bool {
		return l.snap.Resources[i].Address < l.snap.Resources[j].Address
	})
	sort.SliceStable(l.snap.Errors, func(i, j int) bool {
		a, b := l.snap.Errors[i], l.snap.Errors[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// spend takes n instances from the budget of the Load and reports whether
// they may be evaluated.
func (l *loader) spend(n int, what string) bool {
	if l.stopped {
		return false
	}
	l.spent += n
	if l.spent > maxTotal {
		l.stopped = true
		l.problem(nil, "%s: more than %d resource and module instances in all; "+
			"the rest of the configuration is not read", what, maxTotal)
		return false
	}
	return true
}
