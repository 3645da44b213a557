package serverconf

import (
	"strings"
	"testing"

	"github.com/kollguard/kollguard/internal/postgres"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// The fuzz targets feed arbitrary bytes to each parser and to the checks
// behind it, in memory: nothing may panic. TestIncludesStayBounded covers
// the include machinery with files.

func seed(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

func FuzzNginx(f *testing.F) {
	seed(f, "http { server { listen 443 ssl; ssl_protocols TLSv1; } }",
		"http { server { listen 80; location / { return 301 https://$host; } } }",
		"include nginx.conf;", "a \"b\\\" c\" '${x}' {", "server { listen [::]:80; if ($a) {",
		"http { add_header Strict-Transport-Security max-age=1; server { ssl on; } }")
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := parseNginx("nginx.conf", data)
		if err != nil {
			return
		}
		for _, s := range nginxServers(tree) {
			run(nginxChecks, s, "fuzz", s.name())
		}
	})
}

func FuzzSSHD(f *testing.F) {
	seed(f, "ClientAliveInterval 5m\nClientAliveCountMax 3\n",
		"Match User x\nPasswordAuthentication yes", "Ciphers -*cbc\nMACs +hmac-sha1",
		"Include sshd_config", `Banner "x`, "X=1h30m", "Ciphers ^aes128-cbc\nMACs ")
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := parseSSHD("sshd_config", data)
		if err != nil {
			return
		}
		cfg := &sshdConfig{file: "sshd_config"}
		cfg.split(lines)
		run(sshdChecks, cfg, "fuzz", "sshd_config")
	})
}

func FuzzPGConf(f *testing.F) {
	seed(f, "ssl = on\nlog_line_prefix = '%m [%p] %u@%d '\n", "include 'postgresql.conf'",
		"x = 'a''b\\'c' # c", "shared_preload_libraries = 'pgaudit'\npgaudit.log = '-all'",
		"idle_session_timeout 15min")
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &pgConf{settings: map[string]pgValue{}, files: map[string]bool{"p.conf": true}}
		for i, line := range strings.Split(string(data), "\n") {
			if name, val, err := pgConfLine(line); err == nil && name != "" {
				c.settings[name] = pgValue{Value: val, File: "p.conf", Line: i + 1}
			}
		}
		(&pgFiles{conf: c}).evaluate("fuzz")
	})
}

func FuzzHBA(f *testing.F) {
	seed(f, hbaGood, "host all all 10.0.0.0 255.0.0.0 md5\n",
		"host \"all\",x +g,@f ::/0 trust", "host all all \\\n 1.2.3.4/32 cert\n",
		"hostssl a b c", "host all all ::ffff:10.0.0.0/104 password")
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, nums := hbaLines(data)
		var rules []hbaRule
		for i, line := range lines {
			fields, err := hbaFields(line)
			if err != nil || len(fields) == 0 {
				continue
			}
			rules = append(rules, hbaRule{HBARule: hbaRecord(fields, nums[i]), File: "h"})
		}
		p := &pgFiles{hba: rules, hbaPath: "h"}
		p.evaluate("fuzz")
		_ = postgres.Checks()
	})
}

// TestIncludesStayBounded gives each format files that include themselves
// and each other: every scan ends with findings or error findings.
func TestIncludesStayBounded(t *testing.T) {
	files := map[string]string{
		"nginx.conf":        "include *.conf;\n",
		"a.conf":            "include nginx.conf;\nserver { listen 80; }\n",
		"sshd_config":       "Include sshd_config\n",
		"postgresql.conf":   "include_dir '.'\n",
		"x/postgresql.conf": "include '../postgresql.conf'\ninclude_dir '.'\n",
		"pg_hba.conf":       "include pg_hba.conf\n",
	}
	root, paths := scanfiletest.WriteTree(t, files)
	got, err := Scan("t", root, paths)
	if err != nil || len(got) == 0 {
		t.Fatalf("got %d findings, error %v", len(got), err)
	}
}
