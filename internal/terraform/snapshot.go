// Package terraform reads a directory of Terraform configuration, or a plan
// or state file written by `terraform show -json`, into a snapshot of
// evaluated resources, and judges those resources with checks mapped to the
// HIPAA Security Rule's safeguards.
//
// Configuration is evaluated the way Terraform evaluates it, not grepped:
// variables with Terraform's precedence, locals, local and fetched modules,
// count, for_each, dynamic blocks and the common built-in functions, in
// dependency order. A value that cannot be known without applying the
// configuration stays unknown, and a check that needs it reports an unknown
// finding naming the expression instead of guessing.
package terraform

import (
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
)

// Snapshot is the evaluated content of one directory: every resource
// instance with its attributes, and the problems met while reading it.
// It is JSON-serialisable so that checks can be re-run on a saved copy.
type Snapshot struct {
	Dir       string     `json:"dir"`
	Source    string     `json:"source"` // "configuration", "plan" or "state"
	Resources []Resource `json:"resources"`
	Errors    []Problem  `json:"errors,omitempty"`
}

// Resource is one resource or data source instance.
type Resource struct {
	Address string `json:"address"` // as Terraform writes it: module.db.aws_db_instance.this[0]
	Mode    string `json:"mode"`    // "managed" or "data"
	Type    string `json:"type"`
	Name    string `json:"name"`
	File    string `json:"file,omitempty"` // relative to the scanned directory
	Line    int    `json:"line,omitempty"`
	// Attributes are the evaluated arguments; nested blocks are lists of
	// objects. A value that is not known statically is an object with the
	// single key "$unknown" whose value names the expression.
	Attributes map[string]any `json:"attributes"`
	// References maps a top-level argument to the addresses of the resource
	// instances its value was derived from.
	References map[string][]string `json:"references,omitempty"`
}

// Problem is something that could not be read or evaluated.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Error renders p as file:line: message.
func (p Problem) Error() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	case p.File != "":
		return p.File + ": " + p.Message
	}
	return p.Message
}

// unknownKey is the key of the object standing for a value that is not
// known statically; fromKey, beside it, lists the resources it is computed
// from, when it is.
const (
	unknownKey = "$unknown"
	fromKey    = "$from"
)

// unknownOf returns the marker of an unknown value described by why.
func unknownOf(why string) map[string]any { return map[string]any{unknownKey: why} }

// isUnknown reports whether v is an unknown marker and returns its
// description.
func isUnknown(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) > 2 {
		return "", false
	}
	why, ok := m[unknownKey].(string)
	return why, ok
}

// unknownFrom returns the resources an unknown marker is computed from.
func unknownFrom(v any) []string {
	m, _ := v.(map[string]any)
	return strs(m[fromKey])
}

// refMark marks a cty value derived from a resource instance: it is how a
// companion resource is linked to the resource it configures.
type refMark struct{ addr string }

// render converts v to plain JSON values, replacing its unknown parts with a
// marker described by why, and returns the resource addresses it was derived
// from.
func render(v cty.Value, why string) (any, []string) {
	seen := map[string]bool{}
	out := plain(v, why, seen)
	refs := make([]string, 0, len(seen))
	for r := range seen {
		refs = append(refs, r)
	}
	sort.Strings(refs)
	return out, refs
}

// plain renders v, unmarking it one level at a time so that an unknown
// part keeps the resources it came from.
func plain(v cty.Value, why string, seen map[string]bool) any {
	v, marks := v.Unmark()
	var from []any
	for m := range marks {
		if r, ok := m.(refMark); ok {
			seen[r.addr] = true
			from = append(from, r.addr)
		}
	}
	switch {
	case !v.IsKnown():
		u := unknownOf(why)
		if len(from) > 0 {
			sort.Slice(from, func(i, j int) bool { return from[i].(string) < from[j].(string) })
			u[fromKey] = from
		}
		return u
	case v.IsNull():
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f
	case ty == cty.Bool:
		return v.True()
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, plain(e, why, seen))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = plain(e, why, seen)
		}
		return out
	}
	return nil
}
