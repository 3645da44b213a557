package terraform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// node is one thing in a module that has a value: a local, a module call,
// a resource or data block, or an output.
type node struct {
	key   string // local.x, module.x, aws_s3_bucket.x, data.t.x, output.x
	rng   hcl.Range
	travs []hcl.Traversal
	deps  []string
	local *hcl.Attribute
	call  *call
	res   *block
	out   *hcl.Attribute
}

// graph is a module's nodes in an order where each comes after what it
// references, with the problems found building it (duplicates, cycles).
type graph struct {
	order      []*node
	cycles     []Problem
	referenced map[string]bool // keys of the nodes some other node references
	attrs      map[string]bool // attribute names referenced on resources
}

// graphOf builds (once) the reference graph of m.
func graphOf(m *module) *graph {
	if m.graph != nil {
		return m.graph
	}
	nodes := map[string]*node{}
	for name, a := range m.locals {
		nodes["local."+name] = &node{key: "local." + name, rng: a.Range,
			travs: a.Expr.Variables(), local: a}
	}
	for name, c := range m.calls {
		nodes["module."+name] = &node{key: "module." + name, rng: c.rng,
			travs: callTraversals(c), call: c}
	}
	var dups []Problem
	for _, r := range m.resources {
		key := r.typ + "." + r.name
		if r.mode == "data" {
			key = "data." + key
		}
		if prev := nodes[key]; prev != nil {
			dups = append(dups, Problem{File: r.rng.Filename, Line: r.rng.Start.Line,
				Message: fmt.Sprintf("duplicate %s: first declared at %s:%d", key,
					prev.rng.Filename, prev.rng.Start.Line)})
			continue
		}
		nodes[key] = &node{key: key, rng: r.rng, travs: bodyTraversals(r.body), res: r}
	}
	for name, a := range m.outputs {
		nodes["output."+name] = &node{key: "output." + name, rng: a.Range,
			travs: a.Expr.Variables(), out: a}
	}
	for _, n := range nodes {
		n.deps = depsOf(n.travs, nodes)
	}
	m.graph = sortNodes(nodes)
	m.graph.cycles = append(dups, m.graph.cycles...)
	m.graph.referenced = map[string]bool{}
	for _, n := range nodes {
		for _, d := range n.deps {
			m.graph.referenced[d] = true
		}
	}
	return m.graph
}

func callTraversals(c *call) []hcl.Traversal {
	var out []hcl.Traversal
	for _, a := range c.args {
		out = append(out, a.Expr.Variables()...)
	}
	for _, e := range []hcl.Expression{c.count, c.forEach} {
		if e != nil {
			out = append(out, e.Variables()...)
		}
	}
	return out
}

// bodyTraversals returns every reference made anywhere in a block body,
// nested blocks included.
func bodyTraversals(body hcl.Body) []hcl.Traversal {
	if sb, ok := body.(*hclsyntax.Body); ok {
		var out []hcl.Traversal
		for _, a := range sb.Attributes {
			out = append(out, a.Expr.Variables()...)
		}
		for _, b := range sb.Blocks {
			out = append(out, bodyTraversals(b.Body)...)
		}
		return out
	}
	attrs, _ := body.JustAttributes()
	var out []hcl.Traversal
	for _, a := range attrs {
		out = append(out, a.Expr.Variables()...)
	}
	return out
}

// refKey names the node a traversal refers to, or "" for var, count,
// each, path and other names without a node.
func refKey(t hcl.Traversal) string {
	parts := attrNames(t, 3)
	if len(parts) < 2 {
		return ""
	}
	switch parts[0] {
	case "var", "count", "each", "path", "terraform", "self":
		return ""
	case "local", "module":
		return parts[0] + "." + parts[1]
	case "data":
		if len(parts) < 3 {
			return ""
		}
		return strings.Join(parts[:3], ".")
	}
	return parts[0] + "." + parts[1]
}

// attrNames returns up to n leading names of t, stopping at an index.
func attrNames(t hcl.Traversal, n int) []string {
	var out []string
	for _, step := range t {
		if len(out) == n {
			break
		}
		switch s := step.(type) {
		case hcl.TraverseRoot:
			out = append(out, s.Name)
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		default:
			return out
		}
	}
	return out
}

func depsOf(travs []hcl.Traversal, nodes map[string]*node) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range travs {
		k := refKey(t)
		if k != "" && !seen[k] && nodes[k] != nil {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// sortNodes orders nodes depth first by key; a cycle is recorded with
// the file and line of the node that closes it.
func sortNodes(nodes map[string]*node) *graph {
	g := &graph{}
	keys := make([]string, 0, len(nodes))
	for k := range nodes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	state := map[string]int{} // 1 visiting, 2 done
	var stack []string
	var visit func(k string)
	visit = func(k string) {
		switch state[k] {
		case 2:
			return
		case 1:
			g.cycles = append(g.cycles, cycleProblem(nodes[k], stack, k))
			return
		}
		state[k] = 1
		stack = append(stack, k)
		for _, d := range nodes[k].deps {
			visit(d)
		}
		stack = stack[:len(stack)-1]
		state[k] = 2
		g.order = append(g.order, nodes[k])
	}
	for _, k := range keys {
		visit(k)
	}
	return g
}

func cycleProblem(n *node, stack []string, k string) Problem {
	i := len(stack) - 1
	for i > 0 && stack[i] != k {
		i--
	}
	path := append(append([]string{}, stack[i:]...), k)
	return Problem{File: n.rng.Filename, Line: n.rng.Start.Line,
		Message: "reference cycle: " + strings.Join(path, " -> ")}
}
