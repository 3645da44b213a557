package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// evalIngressTLS fails an Ingress whose hosts are not all covered by its
// tls section, or that has none.
func evalIngressTLS(o object) []finding {
	if o.Kind != "Ingress" {
		return nil
	}
	spec := get(o.root, "spec")
	tls := items(get(spec, "tls"))
	if len(tls) == 0 {
		return []finding{{check.Fail, o.Line, "the Ingress has no tls section: its " +
			"services are served over plain HTTP"}}
	}
	var covered []string
	wildcard := false
	for _, t := range tls {
		hosts := strs(get(t, "hosts"))
		covered = append(covered, hosts...)
		wildcard = wildcard || len(hosts) == 0
	}
	var bare []string
	line := o.Line
	for _, r := range items(get(spec, "rules")) {
		h := scalar(get(r, "host"))
		if h != "" && !wildcard && !hostCovered(h, covered) {
			bare = append(bare, h)
			line = get(r, "host").Line
		}
	}
	if len(bare) > 0 {
		return []finding{{check.Fail, line, fmt.Sprintf("host %s is not listed under tls, so "+
			"it is served over plain HTTP", strings.Join(bare, ", "))}}
	}
	return []finding{{check.Pass, get(spec, "tls").Line, "every host is covered by tls"}}
}

// hostCovered reports whether host is in the tls hosts, directly or by a
// *.domain wildcard of one label.
func hostCovered(host string, tlsHosts []string) bool {
	if slices.Contains(tlsHosts, host) {
		return true
	}
	_, parent, ok := strings.Cut(host, ".")
	return ok && slices.Contains(tlsHosts, "*."+parent)
}

// The API server flags the checks look for.
const (
	flagEncryption = "--encryption-provider-config"
	flagAudit      = "--audit-log-path"
)

// evalAPIServerFlag returns the evaluator that fails a kube-apiserver, as a
// static pod or a kubeadm ClusterConfiguration, that does not set flag.
func evalAPIServerFlag(flag string) func(object) []finding {
	return func(o object) []finding {
		flags, line, ok := apiServerFlags(o)
		if !ok {
			return nil
		}
		v, set := flags[flag]
		switch {
		case !set:
			return []finding{{check.Fail, line, "kube-apiserver runs without " + flag}}
		case flag == flagAudit && v == "":
			return []finding{{check.Fail, line, flag + " is empty"}}
		}
		return []finding{{check.Pass, line, "kube-apiserver sets " + flag}}
	}
}

// apiServerFlags returns the flags of a kube-apiserver defined by o, the
// line to report at, and whether o defines one at all.
func apiServerFlags(o object) (map[string]string, int, bool) {
	if o.Kind == "ClusterConfiguration" && strings.HasPrefix(o.APIVersion, "kubeadm.k8s.io/") {
		return kubeadmFlags(o)
	}
	for _, c := range containers(o) {
		argv := append(strs(get(c, "command")), strs(get(c, "args"))...)
		if !isAPIServer(argv) {
			continue
		}
		flags := map[string]string{}
		for i, a := range argv {
			name, val, hasVal := strings.Cut(a, "=")
			if !strings.HasPrefix(name, "--") {
				continue
			}
			if !hasVal && i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-") {
				val = argv[i+1]
			}
			flags[name] = val
		}
		return flags, c.Line, true
	}
	return nil, 0, false
}

// isAPIServer reports whether a container's command line runs kube-apiserver.
func isAPIServer(argv []string) bool {
	for _, a := range argv[:min(len(argv), 2)] {
		if a == "kube-apiserver" || strings.HasSuffix(a, "/kube-apiserver") {
			return true
		}
	}
	return false
}

// kubeadmFlags reads apiServer.extraArgs of a kubeadm ClusterConfiguration:
// a map before v1beta4, a list of name and value pairs since.
func kubeadmFlags(o object) (map[string]string, int, bool) {
	api := get(o.root, "apiServer")
	line := o.Line
	if api != nil {
		line = api.Line
	}
	flags := map[string]string{}
	extra := get(api, "extraArgs")
	for _, kv := range pairs(extra) {
		flags["--"+kv[0].Value] = scalar(kv[1])
	}
	for _, it := range items(extra) {
		flags["--"+scalar(get(it, "name"))] = scalar(get(it, "value"))
	}
	return flags, line, true
}
