package manifest

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
	"gopkg.in/yaml.v3"
)

// Findings of this file name keys and lines, never the values.

// podSpec returns the pod spec of a workload object, nil for other kinds.
func podSpec(o object) *yaml.Node {
	switch o.Kind {
	case "Pod":
		return get(o.root, "spec")
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
		"ReplicationController":
		return get(o.root, "spec", "template", "spec")
	case "CronJob":
		return get(o.root, "spec", "jobTemplate", "spec", "template", "spec")
	case "PodTemplate":
		return get(o.root, "template", "spec")
	}
	return nil
}

// containers returns every container, init container and ephemeral
// container of a workload.
func containers(o object) []*yaml.Node {
	spec := podSpec(o)
	var out []*yaml.Node
	for _, key := range []string{"initContainers", "containers", "ephemeralContainers"} {
		out = append(out, items(get(spec, key))...)
	}
	return out
}

// secretWords mark a name as holding a secret when a word of the name
// contains one; KEY must end a word (APIKEY, PRIVATE_KEY, not KEYCLOAK).
var secretWords = []string{"PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL"}

// referenceWords end names whose value points at a secret rather than being
// one: DB_PASSWORD_FILE, SECRET_NAME, AWS_ACCESS_KEY_ID.
var referenceWords = map[string]bool{"FILE": true, "PATH": true, "DIR": true, "URL": true,
	"URI": true, "ID": true, "NAME": true, "REF": true, "TYPE": true, "LENGTH": true,
	"HOST": true, "PORT": true, "USER": true, "USERNAME": true, "ENDPOINT": true,
	"ALGORITHM": true, "TTL": true, "EXPIRY": true, "ISSUER": true, "HEADER": true}

// secretName reports whether an environment variable or config key names a
// secret: DB_PASSWORD, stripe.apiKey, jwt-secret.
func secretName(name string) bool {
	words := nameWords(name)
	if len(words) == 0 || referenceWords[words[len(words)-1]] {
		return false
	}
	for _, w := range words {
		for _, s := range secretWords {
			if strings.Contains(w, s) {
				return true
			}
		}
		if strings.HasSuffix(w, "KEY") && w != "MONKEY" {
			return true
		}
	}
	return false
}

// nameWords splits a name at _ - . and camelCase boundaries, upper-cased.
func nameWords(name string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, strings.ToUpper(cur.String()))
			cur.Reset()
		}
	}
	for i, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			flush()
		case r >= 'A' && r <= 'Z' && i > 0 && name[i-1] >= 'a' && name[i-1] <= 'z':
			flush()
			cur.WriteRune(r)
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return words
}

// placeholder reports whether a value is a reference or template, not a
// secret: $(VAR), ${VAR}, {{ .Values.x }}, <changeme>.
func placeholder(v string) bool {
	v = strings.TrimSpace(v)
	return v == "" || strings.HasPrefix(v, "$(") || strings.HasPrefix(v, "${") ||
		strings.HasPrefix(v, "{{") || (strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">"))
}

// evalEnvSecrets fails every env entry of a workload whose name marks a
// secret and whose value is written literally.
func evalEnvSecrets(o object) []finding {
	cs := containers(o)
	if len(cs) == 0 {
		return nil
	}
	var out []finding
	for _, c := range cs {
		for _, e := range items(get(c, "env")) {
			name, val := scalar(get(e, "name")), get(e, "value")
			if val == nil || !secretName(name) || placeholder(scalar(val)) {
				continue
			}
			out = append(out, finding{check.Fail, val.Line, fmt.Sprintf("container %s sets "+
				"%s as a literal value", scalar(get(c, "name")), name)})
		}
	}
	if len(out) == 0 {
		out = append(out, finding{check.Pass, o.Line, "no env entry holds a literal secret"})
	}
	return out
}

// assignment finds `key = value` and `key: value` lines inside a
// configuration file carried by a ConfigMap.
var assignment = regexp.MustCompile(`^\s*"?([A-Za-z0-9_.\-]+)"?\s*[:=]\s*(.*)$`)

// connPassword finds a URL with a password: scheme://user:password@host.
var connPassword = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]+:([^\s@/]+)@`)

// evalConfigMapSecrets fails every ConfigMap key named like a secret, and
// every password assignment or connection string with a password inside a
// ConfigMap's embedded files.
func evalConfigMapSecrets(o object) []finding {
	if o.Kind != "ConfigMap" {
		return nil
	}
	var out []finding
	for _, kv := range pairs(get(o.root, "data")) {
		key, val := kv[0].Value, kv[1]
		if val == nil || val.Kind != yaml.ScalarNode {
			continue
		}
		if secretName(key) && !placeholder(val.Value) {
			out = append(out, finding{check.Fail, kv[0].Line, "key " + key +
				" holds a secret"})
			continue
		}
		out = append(out, embeddedSecrets(key, val)...)
	}
	if len(out) == 0 {
		out = append(out, finding{check.Pass, o.Line, "no key holds a password"})
	}
	return out
}

// embeddedSecrets scans the lines of a ConfigMap value for password
// assignments and connection strings with passwords.
func embeddedSecrets(key string, val *yaml.Node) []finding {
	first := val.Line
	if val.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		first++ // block scalars start on the line after the indicator
	}
	var out []finding
	for i, line := range strings.Split(val.Value, "\n") {
		if m := assignment.FindStringSubmatch(line); m != nil && secretName(m[1]) &&
			!placeholder(strings.Trim(m[2], `"' ,`)) {
			out = append(out, finding{check.Fail, first + i, fmt.Sprintf("%s sets %s to a "+
				"literal value", key, m[1])})
			continue
		}
		if m := connPassword.FindStringSubmatch(line); m != nil && !placeholder(m[1]) {
			out = append(out, finding{check.Fail, first + i, key + " holds a connection " +
				"string with a password"})
		}
	}
	return out
}
