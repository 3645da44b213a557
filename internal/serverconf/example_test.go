package serverconf

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// exampleRoot is the bundled clinic's server configuration.
const exampleRoot = "../../examples/clinic-infra/servers"

type located struct {
	Check string
	Path  string
	Line  int
}

func TestExampleFindings(t *testing.T) {
	got, err := Scan("clinic", exampleRoot, scanfiletest.Claimed(t, exampleRoot, Match))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the failing checks are exactly the planted mistakes", func(t *testing.T) {
		want := []string{
			"nginx.hsts", "nginx.http.redirect", "nginx.tls.ciphers", "nginx.tls.protocols",
			"postgres.hba.no-password-methods", "postgres.hba.remote-plaintext",
			"postgres.log.disconnections", "postgres.password.encryption",
			"postgres.pgaudit.classes", "postgres.pgaudit.loaded", "postgres.ssl.min-protocol",
			"postgres.timeout.idle-session",
			"sshd.ciphers", "sshd.idle-timeout", "sshd.macs", "sshd.password-auth",
		}
		if diff := cmp.Diff(want, failing(got)); diff != "" {
			t.Fatalf("failing checks (-want +got):\n%s", diff)
		}
	})
	t.Run("each failure points at the line of the mistake", func(t *testing.T) {
		var fails []located
		for _, f := range got {
			if f.Status == check.Fail {
				fails = append(fails, located{f.Check, f.Location.Path, f.Location.Line})
			}
		}
		want := []located{
			{"nginx.tls.protocols", "nginx/nginx.conf", 16},
			{"nginx.hsts", "nginx/nginx.conf", 48},
			{"nginx.http.redirect", "nginx/nginx.conf", 58},
			{"nginx.tls.protocols", "nginx/nginx.conf", 16},
			{"nginx.tls.ciphers", "nginx/conf.d/billing.conf", 8},
			{"nginx.hsts", "nginx/conf.d/billing.conf", 9},
			{"sshd.idle-timeout", "ssh/sshd_config", 26},
			{"sshd.password-auth", "ssh/sshd_config", 25},
			{"sshd.ciphers", "ssh/sshd_config.d/10-legacy-ciphers.conf", 2},
			{"sshd.macs", "ssh/sshd_config", 0},
			{"postgres.ssl.min-protocol", "postgres/postgresql.conf", 11},
			{"postgres.hba.remote-plaintext", "postgres/pg_hba.conf", 7},
			{"postgres.hba.no-password-methods", "postgres/pg_hba.conf", 7},
			{"postgres.password.encryption", "postgres/postgresql.conf", 14},
			{"postgres.timeout.idle-session", "postgres/postgresql.conf", 0},
			{"postgres.log.disconnections", "postgres/postgresql.conf", 21},
			{"postgres.pgaudit.loaded", "postgres/postgresql.conf", 23},
			{"postgres.pgaudit.classes", "postgres/postgresql.conf", 0},
		}
		if diff := cmp.Diff(want, fails); diff != "" {
			t.Fatalf("failures (-want +got):\n%s", diff)
		}
	})
}
