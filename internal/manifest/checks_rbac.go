package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// evalRBACWildcard fails every rule of a Role or ClusterRole that grants
// `*` verbs or resources.
func evalRBACWildcard(o object) []finding {
	if o.Kind != "Role" && o.Kind != "ClusterRole" {
		return nil
	}
	var out []finding
	for i, r := range items(get(o.root, "rules")) {
		var wild []string
		for _, field := range []string{"verbs", "resources", "nonResourceURLs"} {
			if slices.Contains(strs(get(r, field)), "*") {
				wild = append(wild, field)
			}
		}
		if len(wild) > 0 {
			out = append(out, finding{check.Fail, r.Line, fmt.Sprintf("rule %d grants * in %s",
				i+1, strings.Join(wild, " and "))})
		}
	}
	if len(out) == 0 {
		out = append(out, finding{check.Pass, o.Line, "no rule grants wildcard verbs or " +
			"resources"})
	}
	return out
}

// evalClusterAdmin fails a binding of cluster-admin to a subject that is not
// part of the cluster itself.
func evalClusterAdmin(o object) []finding {
	if o.Kind != "ClusterRoleBinding" && o.Kind != "RoleBinding" {
		return nil
	}
	ref := get(o.root, "roleRef")
	if scalar(get(ref, "kind")) != "ClusterRole" || scalar(get(ref, "name")) != "cluster-admin" {
		return nil
	}
	var out []finding
	for _, s := range items(get(o.root, "subjects")) {
		kind, name := scalar(get(s, "kind")), scalar(get(s, "name"))
		ns := scalar(get(s, "namespace"))
		if systemSubject(kind, name, ns) {
			continue
		}
		who := kind + " " + name
		if ns != "" {
			who = kind + " " + ns + "/" + name
		}
		out = append(out, finding{check.Fail, s.Line, "cluster-admin is bound to " + who})
	}
	if len(out) == 0 {
		out = append(out, finding{check.Pass, o.Line, "cluster-admin is bound to system " +
			"subjects only"})
	}
	return out
}

// systemSubject reports whether a subject belongs to the cluster itself:
// system: users and groups, and service accounts of kube-system.
func systemSubject(kind, name, namespace string) bool {
	if strings.HasPrefix(name, "system:") {
		return true
	}
	return kind == "ServiceAccount" && namespace == "kube-system"
}
