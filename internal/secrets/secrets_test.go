package secrets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// scan writes files into a fresh directory and scans them.
func scan(t *testing.T, files map[string]string) []check.Finding {
	t.Helper()
	root, paths := scanfiletest.WriteTree(t, files)
	got, err := Scan("t", root, paths)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Fake secrets built at run time, so this file itself holds none whole.
var (
	awsKey     = "AKIA" + "ZQ3DRSTUVWXYZ4AB"
	githubPAT  = "ghp_" + "8fK2mQ9xWz4LpN7vR3tY6uB1cD5eH0jA2sGk"
	privateKey = "-----BEGIN " + "RSA PRIVATE KEY-----\n" +
		strings.Repeat("MIIEowIBAAKCAQEAx7Gk2Qm9Zp4Lw8Rt3Yv6Nb1Jc5Hd0Fe7Sa2Ku9Po4Ml\n", 4) +
		"-----END RSA " + "PRIVATE KEY-----\n"
	dbPassword = "Riverside" + "-Clinic-2024"
)

func TestScanFindsSecrets(t *testing.T) {
	cases := []struct {
		name, file, content, rule string
		line                      int
	}{
		{"an AWS access key in a tfvars file", "prod.tfvars",
			"region = \"us-east-1\"\naccess_key = \"" + awsKey + "\"\n", "aws-access-token", 2},
		{"a GitHub token in a YAML file", "ci/config.yml", "token: " + githubPAT + "\n",
			"github-pat", 1},
		{"a private key in a PEM file", "tls/server.key", privateKey, "private-key", 1},
		{"a chosen password in a properties file", "app/application.properties",
			"db.user=app\ndb.password=" + dbPassword + "\n", rulePassword, 2},
		{"a password in a connection string", ".env",
			"A=1\nDATABASE_URL=postgres://app:" + dbPassword + "@db:5432/clinic\n",
			ruleConnString, 2},
		{"a quoted password in HCL", "main.tf",
			"resource \"x\" \"y\" {\n  password = \"" + dbPassword + "\"\n}\n", rulePassword, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := scan(t, map[string]string{tc.file: tc.content})
			for _, f := range got {
				if f.Status == check.Fail && f.Evidence["rule"] == tc.rule {
					if f.Location.Path != tc.file || f.Location.Line != tc.line {
						t.Fatalf("at %+v; want %s:%d", f.Location, tc.file, tc.line)
					}
					return
				}
			}
			t.Fatalf("no failing finding of rule %s in %+v", tc.rule, got)
		})
	}
}

func TestScanPassesCleanFiles(t *testing.T) {
	cases := []struct{ name, file, content string }{
		{"a reference to a Terraform variable", "main.tf",
			"resource \"x\" \"y\" {\n  password = var.db_password\n}\n"},
		{"an environment placeholder", "app.env", "DB_PASSWORD=${DB_PASSWORD}\n"},
		{"a setting about passwords", "postgresql.conf", "password_encryption = scram-sha-256\n"},
		{"a connection string without a password", "app.yaml",
			"url: postgres://app@db:5432/clinic?sslmode=verify-full\n"},
		{"a Helm value reference", "values.yaml", "password: \"{{ .Values.db.password }}\"\n"},
		{"a password field left empty", "app.ini", "[db]\npassword =\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := scan(t, map[string]string{tc.file: tc.content})
			if len(got) != 1 || got[0].Status != check.Pass {
				t.Fatalf("got %+v; want one passing finding", got)
			}
		})
	}
}

func TestSecretsNeverAppearInFindings(t *testing.T) {
	secrets := []string{awsKey, githubPAT, dbPassword, "MIIEowIBAAKCAQEA"}
	got := scan(t, map[string]string{
		"a.tfvars":          "access_key = \"" + awsKey + "\"\n",
		"b.yml":             "token: " + githubPAT + "\n",
		"c.properties":      "db.password=" + dbPassword + "\n",
		"d.env":             "URL=postgres://u:" + dbPassword + "@h/db\n",
		"e.pem":             privateKey,
		"f/huge-dir/x.conf": strings.Repeat("x", 10) + "\nsecret: " + dbPassword + "\n",
	})
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		for _, part := range []string{s, s[:8], s[len(s)-8:]} {
			if strings.Contains(string(out), part) {
				t.Fatalf("findings JSON holds %q: %s", part, out)
			}
		}
	}
	if n := strings.Count(string(out), `"status":"fail"`); n < 6 {
		t.Fatalf("%d failing findings; want at least 6: %s", n, out)
	}
}

func TestTooBigFileIsAnErrorFinding(t *testing.T) {
	got := scan(t, map[string]string{"big.json": strings.Repeat(" ", scanfile.MaxSize+1)})
	if len(got) != 1 || got[0].Status != check.Error || !strings.Contains(got[0].Message,
		"big.json") {
		t.Fatalf("got %+v; want one error finding naming big.json", got)
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		path, head string
		want       bool
	}{
		{"infra/prod.tfvars", "a = 1", true},
		{"deploy/.env.production", "A=1", true},
		{"keys/id_rsa", "-----BEGIN", true},
		{"app/config.yaml", "a: 1", true},
		{"go.sum", "h1:abc", false},
		{"web/package-lock.json", "{}", false},
		{"bin/tool.conf", "\x00\x01ELF", false},
		{"cmd/main.go", "package main", false},
	}
	for _, tc := range cases {
		if got := Match(tc.path, []byte(tc.head)); got != tc.want {
			t.Errorf("Match(%q) = %v; want %v", tc.path, got, tc.want)
		}
	}
}
