package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/config"
	"github.com/kollguard/kollguard/internal/webapp"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, arg            string
		wantName, wantURL    string
		wantPassword, errHas string
		unsupported          bool
	}{
		{name: "a postgres URL is named after host and database",
			arg: "postgres://scan@db:5432/clinic", wantName: "db-5432-clinic",
			wantURL: "postgres://scan@db:5432/clinic"},
		{name: "a password in the URL moves out of it",
			arg: "postgresql://scan:s3cr3t@db/clinic?sslmode=require", wantName: "db-clinic",
			wantURL: "postgresql://scan@db/clinic?sslmode=require", wantPassword: "s3cr3t"},
		{name: "an https URL is a web application named after its endpoint",
			arg: "https://portal.example/app", wantName: "portal.example-443",
			wantURL: "https://portal.example/app"},
		{name: "an smtp URL is a TLS endpoint", arg: "smtp://mail.example:587",
			wantName: "mail.example-587", wantURL: "smtp://mail.example:587"},
		{name: "an endpoint URL with a password is refused without it",
			arg: "https://u:hunter22@portal.example/", errHas: "no user or password"},
		{name: "a URL without a host is refused", arg: "postgres:///clinic",
			errHas: "no host"},
		{name: "a directory is a files target named after it", arg: "../scan",
			wantName: "scan", wantURL: "../scan"},
		{name: "an unknown scheme is refused", arg: "ftp://h/x", unsupported: true},
		{name: "a malformed URL is refused without its password",
			arg: "postgres://u:hunter22@[::1/db", errHas: "xxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTarget(tt.arg)
			if tt.unsupported != errors.Is(err, ErrUnsupported) {
				t.Fatalf("ParseTarget(%q) error = %v, unsupported want %v", tt.arg, err,
					tt.unsupported)
			}
			if tt.errHas != "" || tt.unsupported {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("ParseTarget(%q) error = %v, want one containing %q", tt.arg, err,
						tt.errHas)
				}
				if strings.Contains(err.Error(), "hunter22") {
					t.Errorf("error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.wantName || got.URL != tt.wantURL || got.Password != tt.wantPassword {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func TestFromConfigReadsThePasswordFromTheNamedVariable(t *testing.T) {
	c := config.Target{Name: "clinic-db", URL: "postgres://scan@db/clinic",
		PasswordEnv: "CLINIC_PW", BreakGlassRole: "breakglass"}
	got, err := FromConfig(c, func(k string) string {
		return map[string]string{"CLINIC_PW": "pw"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "clinic-db" || got.Password != "pw" || got.BreakGlassRole != "breakglass" {
		t.Errorf("got %+v", got)
	}
}

func TestFromConfigCarriesWebOptions(t *testing.T) {
	c := config.Target{Name: "portal", URL: "https://portal.example/app",
		SessionCookies: []string{"sid"}, IdleLimit: 10 * time.Minute,
		ProtectedPaths: []string{"/chart"}, HTTPURL: "http://portal.example:8080/"}
	got, err := FromConfig(c, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	want := webapp.Options{SessionCookies: []string{"sid"}, IdleLimit: 10 * time.Minute,
		Protected: []string{"/chart"}, HTTPURL: "http://portal.example:8080/"}
	if got.Kind != KindWebApp || !cmp.Equal(got.Web, want) {
		t.Errorf("got %+v", got)
	}
}

func TestABinaryNamedLikeAConfigIsNotJudged(t *testing.T) {
	dir := t.TempDir()
	bin := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 600)...)
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), bin, 0o644); err != nil {
		t.Fatal(err)
	}
	found, err := scanFiles(context.Background(), FilesTarget(dir, "box"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Check != "files.read" || found[0].Status != check.Unknown {
		t.Fatalf("got %+v, want one files.read unknown finding", found)
	}
}

func TestUniqueTargets(t *testing.T) {
	in := []Target{
		{Name: "h-443", Kind: KindTLS, URL: "tls://h:443"},
		{Name: "h-443", Kind: KindWebApp, URL: "https://h/"},
		{Name: "infra", Kind: KindFiles, URL: "infra"},
		{Name: "infra", Kind: KindFiles, URL: "infra"},
		{Name: "h-443", Kind: KindTLS, URL: "smtp://h:443"},
	}
	var got []string
	for _, t := range Unique(in) {
		got = append(got, t.Name)
	}
	if want := []string{"h-443", "h-443-2", "infra", "h-443-3"}; !cmp.Equal(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
	got = nil
	for _, t := range Unique([]Target{{Name: "x", URL: "a/x"}, {Name: "x", URL: "b/x"},
		{Name: "x-2", URL: "x-2"}, {Name: "", Kind: KindFiles, URL: "тест"}}) {
		got = append(got, t.Name)
	}
	if want := []string{"x", "x-3", "x-2", "files"}; !cmp.Equal(got, want) {
		t.Errorf("names %v, want %v: a given name is never reused", got, want)
	}
}

func TestAPostgresURLWithoutAHostKeepsItsForm(t *testing.T) {
	got, err := ParseTarget("postgres://scan@?host=/run/postgresql&password=pw")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.URL, "postgres://") || strings.Contains(got.URL, "pw") {
		t.Errorf("URL = %q", got.URL)
	}
}

func TestARelativePathInAConfigIsRelativeToTheConfigFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "infra"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := config.Target{Name: "infra", Path: "./infra",
		Pos: config.Pos{File: filepath.Join(dir, "kollguard.yaml"), Line: 2}}
	got, err := FromConfig(c, func(string) string { return "" })
	if err != nil || got.URL != filepath.Join(dir, "infra") {
		t.Errorf("FromConfig = %+v, %v; want the directory next to the config", got, err)
	}
}
