package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// scanYAML writes one manifest file and scans it.
func scanYAML(t *testing.T, name, content string) []check.Finding {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Scan("t", root, []string{name})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// worst returns the worst status of check id: fail, error, unknown, pass.
func worst(fs []check.Finding, id string) check.Status {
	rank := map[check.Status]int{check.Pass: 1, check.Unknown: 2, check.Error: 3, check.Fail: 4}
	var w check.Status
	for _, f := range fs {
		if f.Check == id && rank[f.Status] > rank[w] {
			w = f.Status
		}
	}
	return w
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: clinic}
spec:
  template:
    spec:
      containers:
        - name: api
          env:
`

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: migrate
              env: [{name: JWT_SECRET, value: s3cr3t-value}]
`

func env(name, value string) string {
	return deployment + "            - name: " + name + "\n              value: " + value + "\n"
}

const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
`

const configMap = `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data:
`

func binding(subjects string) string {
	return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
` + subjects
}

func apiserver(flags ...string) string {
	s := `apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
    - name: kube-apiserver
      command:
        - kube-apiserver
`
	for _, f := range flags {
		s += "        - " + f + "\n"
	}
	return s
}

func TestChecks(t *testing.T) {
	cases := []struct {
		name, yaml, check string
		want              check.Status
	}{
		{"an Ingress without tls fails", ingress + "  rules: [{host: a.example}]\n",
			"kubernetes.ingress.tls", check.Fail},
		{"an Ingress host missing from tls fails", ingress + "  tls: [{hosts: [a.example]}]\n" +
			"  rules: [{host: a.example}, {host: b.example}]\n", "kubernetes.ingress.tls",
			check.Fail},
		{"an Ingress covering its hosts passes", ingress + "  tls: [{hosts: [a.example], " +
			"secretName: t}]\n  rules: [{host: a.example}]\n", "kubernetes.ingress.tls",
			check.Pass},
		{"a wildcard tls host covers a subdomain", ingress + "  tls: [{hosts: ['*.example']}]\n" +
			"  rules: [{host: a.example}]\n", "kubernetes.ingress.tls", check.Pass},
		{"a literal DB_PASSWORD fails", env("DB_PASSWORD", "hunter2hunter2"),
			"kubernetes.env.literal-secret", check.Fail},
		{"a literal apiKey fails", env("stripeApiKey", "sk_live_abc"),
			"kubernetes.env.literal-secret", check.Fail},
		{"a literal JWT_SECRET in a CronJob fails", cronJob,
			"kubernetes.env.literal-secret", check.Fail},
		{"a password from a secretKeyRef passes", deployment + "            - name: DB_PASSWORD\n" +
			"              valueFrom: {secretKeyRef: {name: db, key: password}}\n",
			"kubernetes.env.literal-secret", check.Pass},
		{"a path to a password file passes", env("DB_PASSWORD_FILE", "/run/secrets/db"),
			"kubernetes.env.literal-secret", check.Pass},
		{"an env reference passes", env("DB_PASSWORD", "$(POSTGRES_PASSWORD)"),
			"kubernetes.env.literal-secret", check.Pass},
		{"KEYCLOAK_URL is not a key", env("KEYCLOAK_URL", "https://sso"),
			"kubernetes.env.literal-secret", check.Pass},
		{"a ConfigMap key named password fails", configMap + "  db-password: hunter2\n",
			"kubernetes.configmap.secret", check.Fail},
		{"a password inside an embedded file fails", configMap + "  app.ini: |\n" +
			"    [db]\n    password = hunter2\n", "kubernetes.configmap.secret", check.Fail},
		{"a connection string with a password fails", configMap +
			"  DATABASE_URL: postgres://app:hunter2@db:5432/clinic\n",
			"kubernetes.configmap.secret", check.Fail},
		{"a ConfigMap of settings passes", configMap + "  LOG_LEVEL: info\n" +
			"  password_min_length: \"12\"\n  DATABASE_URL: postgres://app@db/clinic\n",
			"kubernetes.configmap.secret", check.Pass},
		{"wildcard verbs fail", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n" +
			"metadata: {name: r}\nrules: [{apiGroups: [''], resources: [pods], verbs: ['*']}]\n",
			"kubernetes.rbac.wildcard", check.Fail},
		{"wildcard resources in a ClusterRole fail", "apiVersion: rbac.authorization.k8s.io/v1" +
			"\nkind: ClusterRole\nmetadata: {name: r}\n" +
			"rules: [{apiGroups: [''], resources: ['*'], verbs: [get]}]\n",
			"kubernetes.rbac.wildcard", check.Fail},
		{"listed verbs and resources pass", "apiVersion: rbac.authorization.k8s.io/v1\n" +
			"kind: Role\nmetadata: {name: r}\nrules: [{resources: [pods], verbs: [get, list]}]\n",
			"kubernetes.rbac.wildcard", check.Pass},
		{"cluster-admin bound to a person fails", binding("  - {kind: User, name: alice}\n"),
			"kubernetes.rbac.cluster-admin", check.Fail},
		{"cluster-admin bound to an app service account fails",
			binding("  - {kind: ServiceAccount, name: ci, namespace: ci}\n"),
			"kubernetes.rbac.cluster-admin", check.Fail},
		{"cluster-admin bound to system:masters passes",
			binding("  - {kind: Group, name: 'system:masters'}\n"),
			"kubernetes.rbac.cluster-admin", check.Pass},
		{"an API server without encryption fails", apiserver("--audit-log-path=/var/log/a"),
			"kubernetes.apiserver.encryption", check.Fail},
		{"an API server with encryption passes",
			apiserver("--encryption-provider-config=/etc/kubernetes/enc.yaml"),
			"kubernetes.apiserver.encryption", check.Pass},
		{"an API server without an audit log fails", apiserver("--v=2"),
			"kubernetes.apiserver.audit-log", check.Fail},
		{"an audit log path given as a separate argument passes",
			apiserver("--audit-log-path", "/var/log/audit.log"),
			"kubernetes.apiserver.audit-log", check.Pass},
		{"a kubeadm ClusterConfiguration without encryption fails",
			"apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n" +
				"  extraArgs: {audit-log-path: /var/log/a}\n",
			"kubernetes.apiserver.encryption", check.Fail},
		{"a kubeadm v1beta4 list of extraArgs with an audit log passes",
			"apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n" +
				"  extraArgs:\n    - {name: audit-log-path, value: /var/log/a}\n",
			"kubernetes.apiserver.audit-log", check.Pass},
		{"a syntax error is an error finding", "kind: Pod\n  bad: [\n",
			"kubernetes.ingress.tls", check.Error},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := scanYAML(t, "m.yaml", tc.yaml)
			if w := worst(got, tc.check); w != tc.want {
				for _, f := range got {
					t.Logf("%s %s %s: %s", f.Check, f.Status, f.Resource, f.Message)
				}
				t.Fatalf("%s: %q, want %q", tc.check, w, tc.want)
			}
		})
	}
}

func TestMultiDocumentLines(t *testing.T) {
	yaml := "# Source: chart/templates/a.yaml\napiVersion: v1\nkind: Service\n" +
		"metadata: {name: s}\n---\n# Source: chart/templates/b.yaml\n" + env("API_TOKEN", "abc")
	got := scanYAML(t, "rendered.yaml", yaml)
	for _, f := range got {
		if f.Check == "kubernetes.env.literal-secret" && f.Status == check.Fail {
			if f.Location.Line != 17 || f.Resource != "Deployment clinic/api" {
				t.Fatalf("at line %d on %q; want line 17 on Deployment clinic/api",
					f.Location.Line, f.Resource)
			}
			return
		}
	}
	t.Fatal("no failing finding")
}

func TestSecretValuesNeverAppear(t *testing.T) {
	const secret = "Zq8-never-print-this-7Rw"
	yaml := env("DB_PASSWORD", secret) + "---\n" + configMap + "  db.password: " + secret +
		"\n  app.properties: |\n    spring.datasource.password=" + secret +
		"\n  URL: postgres://u:" + secret + "@h/db\n"
	got := scanYAML(t, "m.yaml", yaml)
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), secret) || strings.Contains(string(out), secret[:6]) {
		t.Fatalf("findings carry the secret: %s", out)
	}
	if n := strings.Count(string(out), `"status":"fail"`); n != 4 {
		t.Fatalf("%d failing findings; want 4", n)
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		path, head string
		want       bool
	}{
		{"k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n", true},
		{"k8s/list.yml", "---\n- apiVersion: v1\n  kind: Pod\n", true},
		{"k8s/rendered.yaml", "---\n# Source: x/templates/a.yaml\napiVersion: v1\nkind: Pod\n" +
			"metadata: {name: '{{ not templated }}'}", true},
		{"chart/templates/d.yaml", "apiVersion: {{ .Values.api }}\nkind: Deployment\n", false},
		{"kollguard.yaml", "targets:\n  - name: db\n", false},
		{"k8s/deploy.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\"}", false},
	}
	for _, tc := range cases {
		if got := Match(tc.path, []byte(tc.head)); got != tc.want {
			t.Errorf("Match(%q) = %v; want %v", tc.path, got, tc.want)
		}
	}
}

func TestTooBigFileIsAnErrorFinding(t *testing.T) {
	pad := strings.Repeat("# pad pad pad pad\n", scanfile.MaxSize/17)
	big := "apiVersion: v1\nkind: ConfigMap\n" + pad
	got := scanYAML(t, "big.yaml", big)
	if worst(got, "kubernetes.ingress.tls") != check.Error ||
		!strings.Contains(got[0].Message, "big.yaml") {
		t.Fatalf("got %+v; want error findings naming big.yaml", got[0])
	}
}

func TestExampleFindings(t *testing.T) {
	root := "../../examples/clinic-infra/k8s"
	got, err := Scan("clinic", root, scanfiletest.Claimed(t, root, Match))
	if err != nil {
		t.Fatal(err)
	}
	var fails []string
	for _, f := range got {
		if f.Status == check.Fail {
			fails = append(fails, fmt.Sprintf("%s %s:%d", f.Check, f.Location.Path,
				f.Location.Line))
		}
	}
	sort.Strings(fails)
	want := []string{
		"kubernetes.apiserver.encryption control-plane/kube-apiserver.yaml:14",
		"kubernetes.configmap.secret configmap.yaml:12",
		"kubernetes.env.literal-secret ehr-api.yaml:30",
		"kubernetes.ingress.tls ehr-api.yaml:76",
		"kubernetes.rbac.cluster-admin rbac.yaml:26",
		"kubernetes.rbac.cluster-admin rbac.yaml:29",
		"kubernetes.rbac.wildcard rbac.yaml:10",
	}
	if diff := cmp.Diff(want, fails); diff != "" {
		t.Fatalf("failures (-want +got):\n%s", diff)
	}
}
