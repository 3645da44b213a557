package manifest

import "testing"

// FuzzParse feeds arbitrary bytes to the manifest reader and every check:
// nothing may panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		env("DB_PASSWORD", "x"), ingress + "  tls: [{hosts: [a]}]\n  rules: [{host: b}]\n",
		binding("  - {kind: User, name: a}\n"), apiserver("--audit-log-path"),
		"a: &a [*a]\n", "kind: List\nitems:\n  - kind: Pod\n    spec: {containers: [{env: 1}]}\n",
		"---\n---\nkind: ConfigMap\ndata: {a: !!binary aGVsbG8=}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := parseManifest("f.yaml", data)
		if err != nil {
			return
		}
		evaluate("fuzz", objs)
	})
}
