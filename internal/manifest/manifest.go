// Package manifest judges Kubernetes manifests found in a scanned
// directory, as kubectl applies them or as `helm template` renders them:
// Ingresses without TLS, secrets written as literal env values or into
// ConfigMaps, wildcard RBAC rules and cluster-admin bindings, and a
// kube-apiserver (static pod or kubeadm ClusterConfiguration) without
// encryption at rest or an audit log.
//
// Manifests are read with gopkg.in/yaml.v3 nodes so that every finding
// names the file and line it is about. Findings about secrets name the key,
// never the value.
package manifest

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile"
)

// Match reports whether path (slash-separated, relative to the scanned
// directory) is a Kubernetes manifest: a .yaml or .yml file whose head, the
// first bytes of the file, has apiVersion and kind keys. Unrendered Helm
// templates, which are not YAML yet, are left alone.
func Match(path string, head []byte) bool {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".yaml" && ext != ".yml" {
		return false
	}
	if bytes.Contains(head, []byte("{{")) && !bytes.Contains(head, []byte("# Source: ")) {
		return false
	}
	return hasKey(head, "apiVersion:") && hasKey(head, "kind:")
}

// hasKey reports whether some line of head starts with key, after
// indentation or a list dash.
func hasKey(head []byte, key string) bool {
	for _, line := range bytes.Split(head, []byte("\n")) {
		t := bytes.TrimLeft(line, " \t-")
		if bytes.HasPrefix(t, []byte(key)) {
			return true
		}
	}
	return false
}

// Scan reads the manifests among paths (relative to root) and returns the
// findings of every check for target, each located at a file and line. A
// file that cannot be read or parsed, or is larger than scanfile.MaxSize, yields
// an error finding per check naming it. The error is only for a root that is
// not a directory.
func Scan(target, root string, paths []string) ([]check.Finding, error) {
	sorted, err := scanfile.Paths(root, paths)
	if err != nil {
		return nil, err
	}
	var out []check.Finding
	for _, p := range sorted {
		objs, err := readManifest(root, p)
		if err != nil {
			out = append(out, errorFindings(target, p, err)...)
			continue
		}
		out = append(out, evaluate(target, objs)...)
	}
	return out, nil
}

// readManifest reads and parses one file.
func readManifest(root, rel string) ([]object, error) {
	data, err := scanfile.Read(root, rel)
	if err != nil {
		return nil, err
	}
	return parseManifest(rel, data)
}

// errorFindings returns an error finding of every check about a file.
func errorFindings(target, path string, err error) []check.Finding {
	out := make([]check.Finding, 0, len(rules))
	for _, r := range rules {
		out = append(out, r.Result(target, path, check.Error, err.Error()).At(path, 0))
	}
	return out
}

// evaluate runs every check on objs and returns their findings.
func evaluate(target string, objs []object) []check.Finding {
	var out []check.Finding
	for _, o := range objs {
		for _, r := range rules {
			for _, f := range r.Eval(o) {
				out = append(out, r.Result(target, o.resource(), f.status, f.msg).
					With("kind", o.Kind).At(o.File, f.line))
			}
		}
	}
	return out
}
