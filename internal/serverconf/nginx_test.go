package serverconf

import (
	"strings"
	"testing"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile"
)

// tlsServer is an nginx.conf with one TLS server holding body.
func tlsServer(httpBody, serverBody string) map[string]string {
	return map[string]string{"nginx.conf": "events {}\nhttp {\n" + httpBody +
		"\nserver {\n listen 443 ssl;\n server_name a.example;\n" + serverBody + "\n}\n}\n"}
}

const goodHSTS = `add_header Strict-Transport-Security "max-age=63072000" always;`

func TestNginxChecks(t *testing.T) {
	runCases(t, []checkCase{
		{"TLS 1.0 in ssl_protocols fails", tlsServer("ssl_protocols TLSv1 TLSv1.2;", ""),
			"nginx.tls.protocols", check.Fail},
		{"an unset ssl_protocols fails", tlsServer("", ""), "nginx.tls.protocols", check.Fail},
		{"TLS 1.2 and 1.3 pass", tlsServer("ssl_protocols TLSv1.2 TLSv1.3;", ""),
			"nginx.tls.protocols", check.Pass},
		{"a server's own ssl_protocols overrides http's", tlsServer(
			"ssl_protocols TLSv1.2;", "ssl_protocols SSLv3 TLSv1.2;"),
			"nginx.tls.protocols", check.Fail},
		{"3DES in ssl_ciphers fails", tlsServer("", "ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:"+
			"DES-CBC3-SHA;"), "nginx.tls.ciphers", check.Fail},
		{"RC4 in ssl_ciphers fails", tlsServer("ssl_ciphers 'RC4-SHA:HIGH';", ""),
			"nginx.tls.ciphers", check.Fail},
		{"ALL without exclusions fails", tlsServer("", "ssl_ciphers ALL;"),
			"nginx.tls.ciphers", check.Fail},
		{"HIGH with exclusions passes", tlsServer("", "ssl_ciphers HIGH:!aNULL:!MD5;"),
			"nginx.tls.ciphers", check.Pass},
		{"an AEAD list passes", tlsServer("", "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:"+
			"ECDHE-RSA-CHACHA20-POLY1305;"), "nginx.tls.ciphers", check.Pass},
		{"no HSTS header fails", tlsServer("", ""), "nginx.hsts", check.Fail},
		{"a one-day max-age fails", tlsServer("",
			`add_header Strict-Transport-Security "max-age=86400";`), "nginx.hsts", check.Fail},
		{"a location with its own headers drops HSTS and fails", tlsServer(goodHSTS,
			"location / { add_header X-Frame-Options DENY; }"), "nginx.hsts", check.Fail},
		{"HSTS inherited from http passes", tlsServer(goodHSTS, "location / { root /srv; }"),
			"nginx.hsts", check.Pass},
		{"a server with its own add_header loses http's HSTS and fails", tlsServer(goodHSTS,
			"add_header X-Frame-Options DENY;"), "nginx.hsts", check.Fail},
		{"port 80 proxying content fails", plain80("location / { proxy_pass http://app; }"),
			"nginx.http.redirect", check.Fail},
		{"port 80 with no location serves the default root and fails", plain80("root /srv;"),
			"nginx.http.redirect", check.Fail},
		{"port 80 redirecting with 302 fails",
			plain80("return 302 https://$host$request_uri;"), "nginx.http.redirect", check.Fail},
		{"port 80 redirecting to http fails",
			plain80("return 301 http://other.example;"), "nginx.http.redirect", check.Fail},
		{"port 80 returning 301 to https passes",
			plain80("return 301 https://$host$request_uri;"), "nginx.http.redirect", check.Pass},
		{"port 80 returning 308 to https passes",
			plain80("return 308 https://$host$request_uri;"), "nginx.http.redirect", check.Pass},
		{"a permanent rewrite to https passes",
			plain80("rewrite ^ https://$host$request_uri permanent;"), "nginx.http.redirect",
			check.Pass},
		{"ACME challenges beside a redirecting location pass", plain80(
			"location /.well-known/acme-challenge/ { root /acme; }\n" +
				"location / { return 301 https://$host$request_uri; }"),
			"nginx.http.redirect", check.Pass},
		{"a server without listen is on port 80 and fails", map[string]string{
			"nginx.conf": "http { server { server_name x; location / { root /srv; } } }"},
			"nginx.http.redirect", check.Fail},
		{"one server on 80 and 443 ssl without a scheme redirect fails", tlsServer("",
			"listen 80;"), "nginx.http.redirect", check.Fail},
		{"one server on 80 and 443 ssl redirecting plain requests passes", tlsServer("",
			"listen 80;\nif ($scheme = http) { return 301 https://$host$request_uri; }"),
			"nginx.http.redirect", check.Pass},
	})
}

func plain80(body string) map[string]string {
	return map[string]string{"nginx.conf": "http {\nserver {\n listen 80;\n" + body + "\n}\n}\n"}
}

func TestNginxIncludes(t *testing.T) {
	files := map[string]string{
		"nginx/nginx.conf": "http {\n ssl_protocols TLSv1.1 TLSv1.2;\n include sites/*.conf;\n}\n",
		"nginx/sites/a.conf": "server {\n listen 443 ssl;\n server_name a.example;\n" +
			" " + goodHSTS + "\n}\n",
	}
	got := scanFiles(t, files)
	t.Run("an included server inherits the including http block's settings", func(t *testing.T) {
		f, ok := findingOf(got, "nginx.tls.protocols", check.Fail)
		if !ok || f.Location.Path != "nginx/nginx.conf" || f.Location.Line != 2 {
			t.Fatalf("got %+v; want a failure at nginx/nginx.conf:2", f.Location)
		}
	})
	t.Run("an included file is not judged again on its own", func(t *testing.T) {
		n := 0
		for _, f := range got {
			if f.Check == "nginx.hsts" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d nginx.hsts findings; want 1", n)
		}
	})
}

func TestNginxParseErrors(t *testing.T) {
	cases := []struct{ name, conf, want string }{
		{"an unclosed block names its line", "http {\n server {\n", "nginx.conf:2"},
		{"a stray brace names its line", "events {}\n}\n", "nginx.conf:2"},
		{"an unterminated string names its line", "http {\n add_header X \"y;\n}", "nginx.conf:2"},
		{"a directive without a semicolon names its line", "http {\n listen 80\n}",
			"nginx.conf:2"},
		{"an include loop is refused", "include nginx.conf;\n", "includes itself"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := scanFiles(t, map[string]string{"nginx.conf": tc.conf})
			f, ok := findingOf(got, "nginx.tls.protocols", check.Error)
			if !ok || !strings.Contains(f.Message, tc.want) {
				t.Fatalf("got %+v; want an error finding mentioning %q", got, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		path, head string
		want       bool
	}{
		{"etc/nginx/nginx.conf", "", true},
		{"conf.d/site.conf", "server {\n  listen 443 ssl;\n}", true},
		{"conf.d/other.conf", "[section]\nkey = value\n", false},
		{"ssh/sshd_config", "", true},
		{"ssh/sshd_config.d/10-x.conf", "", true},
		{"db/postgresql.conf", "", true},
		{"db/pg_hba.conf", "", true},
		{"README.md", "server {", false},
	}
	for _, tc := range cases {
		if got := Match(tc.path, []byte(tc.head)); got != tc.want {
			t.Errorf("Match(%q) = %v; want %v", tc.path, got, tc.want)
		}
	}
}

func TestTooBigFileIsAnErrorFinding(t *testing.T) {
	pad := strings.Repeat("# padding padding padding padding\n", scanfile.MaxSize/30)
	big := "http {\n" + pad + "}\n"
	got := scanFiles(t, map[string]string{"nginx.conf": big})
	f, ok := findingOf(got, "nginx.tls.protocols", check.Error)
	if !ok || !strings.Contains(f.Message, "nginx.conf") || !strings.Contains(f.Message, "10 MiB") {
		t.Fatalf("got %+v; want an error finding naming nginx.conf and the limit", got)
	}
}

func TestIncludesOutsideTheDirectoryAreNamed(t *testing.T) {
	got := scanFiles(t, map[string]string{"nginx.conf": "http {\n include /etc/nginx/x.conf;\n" +
		" server { listen 443 ssl; ssl_protocols TLSv1.2; }\n}\n"})
	f, ok := findingOf(got, "nginx.tls.protocols", check.Pass)
	notes, _ := f.Evidence["not_read"].([]string)
	if !ok || len(notes) != 1 || !strings.Contains(notes[0], "nginx.conf:2") {
		t.Fatalf("got %+v; want the include on nginx.conf:2 named as not read", f)
	}
}
