package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file reads Kubernetes manifests: multi-document YAML as kubectl
// applies it and as `helm template` renders it, into objects that keep the
// YAML nodes, and so the line of every field.

// BUG(kollguard): Kustomize overlays are not applied and unrendered Helm
// templates are skipped: render them (kustomize build, helm template) into
// the scanned directory to have them judged.

// object is one Kubernetes object of a manifest.
type object struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	File       string
	Line       int
	root       *yaml.Node // the object's mapping
}

// resource names the object in findings: "Deployment clinic/ehr-api".
func (o object) resource() string {
	name := o.Name
	if o.Namespace != "" {
		name = o.Namespace + "/" + name
	}
	return o.Kind + " " + name
}

// parseManifest returns the objects of every document of a file, unfolding
// kind: List. Errors name the file and line.
func parseManifest(file string, data []byte) (objs []object, err error) {
	defer func() {
		if r := recover(); r != nil {
			objs, err = nil, fmt.Errorf("%s: the YAML parser gave up: %v", file, r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s", file, yamlError(err))
		}
		if len(doc.Content) == 0 {
			continue
		}
		objs = append(objs, objectsOf(file, deref(doc.Content[0]), 0)...)
	}
}

// yamlError rewrites yaml.v3's "yaml: line 3: ..." as "line 3: ...".
func yamlError(err error) string {
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// objectsOf reads one document; a List holds its objects under items.
func objectsOf(file string, n *yaml.Node, depth int) []object {
	if n == nil || n.Kind != yaml.MappingNode || depth > 4 {
		return nil
	}
	o := object{
		APIVersion: scalar(get(n, "apiVersion")),
		Kind:       scalar(get(n, "kind")),
		Name:       scalar(get(n, "metadata", "name")),
		Namespace:  scalar(get(n, "metadata", "namespace")),
		File:       file,
		Line:       n.Line,
		root:       n,
	}
	if o.Kind == "" {
		return nil
	}
	if strings.HasSuffix(o.Kind, "List") {
		var out []object
		for _, it := range items(get(n, "items")) {
			out = append(out, objectsOf(file, it, depth+1)...)
		}
		return out
	}
	return []object{o}
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// get follows mapping keys from n; nil when one is missing.
func get(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		n = deref(n)
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return deref(n)
}

// pairs returns the key and value nodes of a mapping.
func pairs(n *yaml.Node) [][2]*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], deref(n.Content[i+1])})
	}
	return out
}

// items returns the elements of a sequence node.
func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, deref(c))
	}
	return out
}

// scalar returns the value of a scalar node, or "".
func scalar(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// strs returns the scalar elements of a sequence.
func strs(n *yaml.Node) []string {
	var out []string
	for _, it := range items(n) {
		if it.Kind == yaml.ScalarNode {
			out = append(out, it.Value)
		}
	}
	return out
}

// isNull reports whether a node is missing, null or empty.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "")) ||
		((n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode) && len(n.Content) == 0)
}
