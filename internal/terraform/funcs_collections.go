package terraform

import (
	"errors"
	"regexp"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// anyValue is a parameter accepting a value of any type.
func anyValue(name string) function.Parameter {
	return function.Parameter{Name: name, Type: cty.DynamicPseudoType, AllowDynamicType: true}
}

// lookupFunc is Terraform's lookup: the default is optional.
var lookupFunc = function.New(&function.Spec{
	Params:   []function.Parameter{anyValue("map"), {Name: "key", Type: cty.String}},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowNull: true},
	Type:     function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		m, key := args[0], args[1]
		if !m.Type().IsMapType() && !m.Type().IsObjectType() {
			return cty.DynamicVal, errors.New("lookup needs a map")
		}
		if m.Type().IsObjectType() && m.Type().HasAttribute(key.AsString()) {
			return m.GetAttr(key.AsString()), nil
		}
		if m.Type().IsMapType() && m.HasIndex(key).True() {
			return m.Index(key), nil
		}
		if len(args) > 2 {
			return args[2], nil
		}
		return cty.DynamicVal, errors.New("lookup: key not found and no default")
	},
})

// lengthFunc is Terraform's length: collections and strings.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{anyValue("value")},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if args[0].Type() == cty.String {
			return stdlib.Strlen(args[0])
		}
		return stdlib.Length(args[0])
	},
})

// replaceFunc is Terraform's replace: a substring in slashes is a regular
// expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/") {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(re.ReplaceAllString(s, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
	},
})

// oneFunc returns the only element of a collection, or null when empty.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{anyValue("list")},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() {
			return cty.DynamicVal, errors.New("one needs a list or set")
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(cty.DynamicPseudoType), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.DynamicVal, errors.New("one: more than one element")
	},
})

// sumFunc adds the numbers of a collection.
var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{anyValue("list")},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		total := cty.Zero
		if !args[0].CanIterateElements() {
			return cty.UnknownVal(cty.Number), errors.New("sum needs a list or set")
		}
		for it := args[0].ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !e.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if e.Type() != cty.Number || e.IsNull() {
				return cty.UnknownVal(cty.Number), errors.New("sum needs numbers")
			}
			total = total.Add(e)
		}
		return total, nil
	},
})

func boolFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{anyValue("list")},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if !args[0].CanIterateElements() {
				return cty.UnknownVal(cty.Bool), errors.New("needs a list of booleans")
			}
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				if !e.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				b := e.Type() == cty.Bool && !e.IsNull() && e.True()
				if b != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

var (
	allTrueFunc = boolFold(true)
	anyTrueFunc = boolFold(false)
)

// jsonEncodeFunc is jsonencode, except that a part computed from another
// resource (an ARN in a policy) is written as a placeholder instead of
// making the whole document unknown, so that the rest of a policy can be
// judged; the result keeps the references.
var jsonEncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "val", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true}},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		_, marks := args[0].UnmarkDeep()
		filled, ok := fillComputedValue(args[0])
		if !ok {
			return cty.UnknownVal(cty.String).WithMarks(marks), nil
		}
		out, err := stdlib.JSONEncode(filled)
		return out.WithMarks(marks), err
	},
})

// fillComputedValue replaces unknown parts derived from a resource with
// the placeholder; ok is false when an unknown part comes from elsewhere.
func fillComputedValue(v cty.Value) (cty.Value, bool) {
	v, marks := v.Unmark()
	if !v.IsKnown() {
		for m := range marks {
			if _, ok := m.(refMark); ok {
				return cty.StringVal(computedPlaceholder), true
			}
		}
		return v, false
	}
	if v.IsNull() {
		return v, true
	}
	ty := v.Type()
	switch {
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var elems []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			f, ok := fillComputedValue(e)
			if !ok {
				return v, false
			}
			elems = append(elems, f)
		}
		if len(elems) == 0 {
			return cty.EmptyTupleVal, true
		}
		return cty.TupleVal(elems), true
	case ty.IsMapType() || ty.IsObjectType():
		attrs := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			f, ok := fillComputedValue(e)
			if !ok {
				return v, false
			}
			attrs[k.AsString()] = f
		}
		return cty.ObjectVal(attrs), true
	}
	return v, true
}

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string.
var coalesceFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowNull: true, AllowDynamicType: true},
	Type: function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		for _, a := range args {
			switch {
			case !a.IsKnown():
				return cty.DynamicVal, nil
			case a.IsNull(), a.Type() == cty.String && a.AsString() == "":
				continue
			}
			return a, nil
		}
		return cty.DynamicVal, errors.New("coalesce: no non-empty argument")
	},
})
