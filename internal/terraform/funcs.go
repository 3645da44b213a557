package terraform

import (
	"encoding/base64"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// funcTable is the set of functions available to expressions.
type funcTable = map[string]function.Function

// maxReadFile bounds what file() reads.
const maxReadFile = 1 << 20

// baseFuncs are the built-in functions that do not depend on a directory.
var baseFuncs = funcTable{
	"abs": stdlib.AbsoluteFunc, "alltrue": allTrueFunc, "anytrue": anyTrueFunc,
	"base64decode": base64DecodeFunc, "base64encode": base64EncodeFunc,
	"can": tryfunc.CanFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc,
	"chunklist": stdlib.ChunklistFunc, "coalesce": coalesceFunc,
	"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
	"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
	"csvdecode": stdlib.CSVDecodeFunc, "distinct": stdlib.DistinctFunc,
	"element": stdlib.ElementFunc, "endswith": endsWithFunc,
	"flatten": stdlib.FlattenFunc, "floor": stdlib.FloorFunc, "format": stdlib.FormatFunc,
	"formatdate": stdlib.FormatDateFunc, "formatlist": stdlib.FormatListFunc,
	"indent": stdlib.IndentFunc, "index": stdlib.IndexFunc, "join": stdlib.JoinFunc,
	"jsondecode": stdlib.JSONDecodeFunc, "jsonencode": jsonEncodeFunc,
	"keys": stdlib.KeysFunc, "length": lengthFunc, "log": stdlib.LogFunc,
	"lookup": lookupFunc, "lower": stdlib.LowerFunc, "max": stdlib.MaxFunc,
	"merge": stdlib.MergeFunc, "min": stdlib.MinFunc, "one": oneFunc,
	"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "range": stdlib.RangeFunc,
	"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
	"regex_replace": stdlib.RegexReplaceFunc, "replace": replaceFunc,
	"reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
	"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc,
	"setunion": stdlib.SetUnionFunc, "signum": stdlib.SignumFunc, "slice": stdlib.SliceFunc,
	"sort": stdlib.SortFunc, "split": stdlib.SplitFunc, "startswith": startsWithFunc,
	"strcontains": strContainsFunc, "strrev": stdlib.ReverseFunc,
	"substr": stdlib.SubstrFunc, "sum": sumFunc, "timeadd": stdlib.TimeAddFunc,
	"timestamp": unknownFunc(cty.String), "title": stdlib.TitleFunc,
	"tobool":   stdlib.MakeToFunc(cty.Bool),
	"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
	"tonumber": stdlib.MakeToFunc(cty.Number),
	"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
	"tostring": stdlib.MakeToFunc(cty.String), "transpose": unknownFunc(cty.DynamicPseudoType),
	"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
	"trimspace": stdlib.TrimSpaceFunc, "trimsuffix": stdlib.TrimSuffixFunc,
	"try": tryfunc.TryFunc, "upper": stdlib.UpperFunc, "uuid": unknownFunc(cty.String),
	"values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
	"basename": pathFunc(path.Base), "dirname": pathFunc(path.Dir),
}

// functions returns the functions for expressions of the module in dir:
// the built-ins plus file functions reading relative to the root (as
// Terraform does) or, failing that, to the module's directory.
func (l *loader) functions(dir string) funcTable {
	if t, ok := l.funcs[dir]; ok {
		return t
	}
	t := make(funcTable, len(baseFuncs)+3)
	for k, v := range baseFuncs {
		t[k] = v
	}
	t["file"] = l.fileFunc(dir)
	t["fileexists"] = l.fileExistsFunc(dir)
	t["templatefile"] = l.templateFileFunc(dir, t)
	l.funcs[dir] = t
	return t
}

// locate finds a file named by a configuration, confined to the scanned
// directory and the module's own directory.
func (l *loader) locate(dir, name string) (string, bool) {
	bases := []string{l.root, filepath.Join(l.root, dir)}
	for _, base := range bases {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, name)
		}
		if within(l.root, filepath.Clean(p)) {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, true
			}
		}
	}
	return "", false
}

// within reports whether p, with every symbolic link resolved, lies inside
// root: a link in a hostile repository must not feed /etc/... into file().
func within(root, p string) bool {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(realRoot, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func (l *loader) fileFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p, ok := l.locate(dir, args[0].AsString())
			if !ok {
				return cty.UnknownVal(cty.String), nil
			}
			st, err := os.Stat(p)
			if err != nil || st.Size() > maxReadFile {
				return cty.UnknownVal(cty.String), nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return cty.UnknownVal(cty.String), nil
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

func (l *loader) fileExistsFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			_, ok := l.locate(dir, args[0].AsString())
			return cty.BoolVal(ok), nil
		},
	})
}

// templateFileFunc renders a template file with the given variables and
// the other functions (not templatefile itself, as Terraform forbids).
func (l *loader) templateFileFunc(dir string, funcs funcTable) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType}},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p, ok := l.locate(dir, args[0].AsString())
			if !ok {
				return cty.DynamicVal, nil
			}
			src, err := readBounded(p)
			if err != nil || len(src) > maxReadFile {
				return cty.DynamicVal, nil
			}
			expr, ds := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
			vars := args[1]
			if ds.HasErrors() || !vars.CanIterateElements() {
				return cty.DynamicVal, nil
			}
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{},
				Functions: map[string]function.Function{}}
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				ctx.Variables[k.AsString()] = v
			}
			for name, f := range funcs {
				if name != "templatefile" {
					ctx.Functions[name] = f
				}
			}
			out, ds := expr.Value(ctx)
			if ds.HasErrors() {
				return cty.DynamicVal, nil
			}
			return out, nil
		},
	})
}

// unknownFunc is a function whose result cannot be known statically.
func unknownFunc(ty cty.Type) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType,
			AllowUnknown: true, AllowNull: true, AllowDynamicType: true},
		Type: function.StaticReturnType(ty),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.UnknownVal(ty), nil },
	})
}

func pathFunc(f func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(f(args[0].AsString())), nil
		},
	})
}

func stringPredicate(f func(s, affix string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String},
			{Name: "affix", Type: cty.String}},
		Type: function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = stringPredicate(strings.HasPrefix)
	endsWithFunc    = stringPredicate(strings.HasSuffix)
	strContainsFunc = stringPredicate(strings.Contains)
)

func stringMap(f func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(s), nil
		},
	})
}

var (
	base64EncodeFunc = stringMap(func(s string) (string, error) {
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	})
	base64DecodeFunc = stringMap(func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		return string(b), err
	})
)
