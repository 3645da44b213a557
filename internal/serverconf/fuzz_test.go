package serverconf

import (
	"os"
	"path/filepath"
	"testing"
)

// The fuzz targets feed arbitrary bytes to each parser and to the checks
// behind it: nothing may panic, hang or read outside the directory.

func fuzzScan(f *testing.F, name string, seeds []string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Scan("fuzz", root, []string{name}); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzNginx(f *testing.F) {
	fuzzScan(f, "nginx.conf", []string{
		"http { server { listen 443 ssl; ssl_protocols TLSv1; } }",
		"http { server { listen 80; location / { return 301 https://$host; } } }",
		"include nginx.conf;", "a \"b\\\" c\" '${x}' {", "server { listen [::]:80; if ($a) {",
	})
}

func FuzzSSHD(f *testing.F) {
	fuzzScan(f, "sshd_config", []string{
		"ClientAliveInterval 5m\nClientAliveCountMax 3\n",
		"Match User x\nPasswordAuthentication yes",
		"Ciphers -*cbc\nMACs +hmac-sha1", "Include sshd_config", `Banner "x`, "X=1h30m",
	})
}

func FuzzPGConf(f *testing.F) {
	fuzzScan(f, "postgresql.conf", []string{
		"ssl = on\nlog_line_prefix = '%m [%p] %u@%d '\n", "include 'postgresql.conf'",
		"include_dir '.'", "x = 'a''b\\'c' # c", "shared_preload_libraries = 'pgaudit'",
	})
}

func FuzzHBA(f *testing.F) {
	fuzzScan(f, "pg_hba.conf", []string{
		hbaGood, "host all all 10.0.0.0 255.0.0.0 md5\n", "host \"all\",x +g,@f ::/0 trust",
		"host all all \\\n 1.2.3.4/32 cert\n", "include pg_hba.conf", "hostssl a b c",
	})
}
