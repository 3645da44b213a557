package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// planDoc is the part of `terraform show -json` output that is read.
type planDoc struct {
	FormatVersion   string     `json:"format_version"`
	PlannedValues   *planState `json:"planned_values"`
	Values          *planState `json:"values"`
	ResourceChanges []struct {
		Address string `json:"address"`
		Change  struct {
			AfterUnknown map[string]any `json:"after_unknown"`
		} `json:"change"`
	} `json:"resource_changes"`
	Configuration struct {
		RootModule configModule `json:"root_module"`
	} `json:"configuration"`
}

type planState struct {
	RootModule planModule `json:"root_module"`
}

type planModule struct {
	Address      string         `json:"address"`
	Resources    []planResource `json:"resources"`
	ChildModules []planModule   `json:"child_modules"`
}

type planResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Name    string         `json:"name"`
	Values  map[string]any `json:"values"`
}

type configModule struct {
	Resources []struct {
		Address     string `json:"address"`
		Expressions map[string]struct {
			References []string `json:"references"`
		} `json:"expressions"`
	} `json:"resources"`
	ModuleCalls map[string]struct {
		Module configModule `json:"module"`
	} `json:"module_calls"`
}

// findPlan returns the first *.json file in dir that is a plan or state
// written by `terraform show -json`, or "".
func findPlan(dir string) string {
	matches, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	sort.Strings(matches)
	for _, m := range matches {
		if strings.HasSuffix(m, ".tf.json") {
			continue
		}
		if doc, err := readPlan(m); err == nil && doc != nil {
			return m
		}
	}
	return ""
}

// readPlan decodes a plan or state; it returns nil, nil for JSON of
// another shape.
func readPlan(path string) (*planDoc, error) {
	src, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(src, []byte(`"format_version"`)) {
		return nil, nil
	}
	var doc planDoc
	if err := json.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if doc.FormatVersion == "" || (doc.PlannedValues == nil && doc.Values == nil) {
		return nil, nil
	}
	return &doc, nil
}

// loadPlan reads a plan or state file into a snapshot.
func loadPlan(dir, file string) (*Snapshot, error) {
	if !filepath.IsAbs(file) {
		if _, err := os.Stat(file); err != nil {
			file = filepath.Join(dir, file)
		}
	}
	doc, err := readPlan(file)
	if err != nil {
		return nil, fmt.Errorf("reading plan %s: %w", file, err)
	}
	if doc == nil {
		return nil, fmt.Errorf("%s: not a plan or state from terraform show -json", file)
	}
	s := &Snapshot{Dir: dir, Source: "plan"}
	root := doc.PlannedValues
	if root == nil {
		s.Source, root = "state", doc.Values
	}
	refs := map[string]map[string][]string{}
	configRefs(doc.Configuration.RootModule, "", refs)
	unknown := map[string]map[string]any{}
	for _, rc := range doc.ResourceChanges {
		unknown[rc.Address] = rc.Change.AfterUnknown
	}
	planResources(root.RootModule, s, refs, unknown)
	sort.Slice(s.Resources, func(i, j int) bool {
		return s.Resources[i].Address < s.Resources[j].Address
	})
	return s, nil
}

func planResources(m planModule, s *Snapshot, refs map[string]map[string][]string,
	unknown map[string]map[string]any) {
	for _, r := range m.Resources {
		attrs := r.Values
		if attrs == nil {
			attrs = map[string]any{}
		}
		for name, u := range unknown[r.Address] {
			if b, ok := u.(bool); ok && b {
				attrs[name] = unknownOf(r.Address + "." + name + " (known after apply)")
			}
		}
		prefix := modulePrefix(r.Address, r.Mode, r.Type, r.Name)
		out := Resource{Address: r.Address, Mode: r.Mode, Type: r.Type, Name: r.Name,
			Attributes: attrs}
		for attr, rs := range refs[stripKeys(prefix)+localAddr(r.Mode, r.Type, r.Name)] {
			if out.References == nil {
				out.References = map[string][]string{}
			}
			for _, ref := range rs {
				out.References[attr] = append(out.References[attr], prefix+ref)
			}
		}
		s.Resources = append(s.Resources, out)
	}
	for _, c := range m.ChildModules {
		planResources(c, s, refs, unknown)
	}
}

func localAddr(mode, typ, name string) string {
	if mode == "data" {
		return "data." + typ + "." + name
	}
	return typ + "." + name
}

// modulePrefix returns the module part of a resource address, with its
// trailing dot: "module.db[0]." for module.db[0].aws_db_instance.this.
func modulePrefix(addr, mode, typ, name string) string {
	i := strings.LastIndex(addr, localAddr(mode, typ, name))
	if i <= 0 {
		return ""
	}
	return addr[:i]
}

// stripKeys removes instance keys from a module path.
func stripKeys(prefix string) string {
	var b strings.Builder
	depth := 0
	for _, r := range prefix {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// configRefs collects, per configuration address, the resources each
// argument references, as module-relative addresses.
func configRefs(m configModule, prefix string, out map[string]map[string][]string) {
	for _, r := range m.Resources {
		for attr, e := range r.Expressions {
			for _, ref := range e.References {
				if a := refResource(ref); a != "" {
					if out[prefix+r.Address] == nil {
						out[prefix+r.Address] = map[string][]string{}
					}
					out[prefix+r.Address][attr] = dedupe(append(out[prefix+r.Address][attr], a))
				}
			}
		}
	}
	for name, c := range m.ModuleCalls {
		configRefs(c.Module, prefix+"module."+name+".", out)
	}
}

// refResource reduces a reference such as aws_s3_bucket.b[0].id to the
// resource it names, or "" for var, local and the like.
func refResource(ref string) string {
	parts := strings.SplitN(ref, ".", 4)
	switch parts[0] {
	case "var", "local", "module", "each", "count", "path", "self", "terraform":
		return ""
	}
	n := 2
	if parts[0] == "data" {
		n = 3
	}
	if len(parts) < n {
		return ""
	}
	addr := strings.Join(parts[:n], ".")
	if len(parts) > n && strings.HasPrefix(parts[n], "[") {
		return ""
	}
	return addr
}
