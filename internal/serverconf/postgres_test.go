package serverconf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/postgres"
)

func TestPGConfLine(t *testing.T) {
	cases := []struct {
		name, line, key, val string
		bad                  bool
	}{
		{"an assignment with = is read", "ssl = on", "ssl", "on", false},
		{"the = is optional", "ssl on", "ssl", "on", false},
		{"names are case-insensitive", "SSL = on", "ssl", "on", false},
		{"a quoted value keeps its spaces", "log_line_prefix = '%m [%p] '", "log_line_prefix",
			"%m [%p] ", false},
		{"a doubled quote is a quote", "x = 'it''s'", "x", "it's", false},
		{"a backslash escapes a quote", `x = 'a\'b'`, "x", "a'b", false},
		{"units are kept as written", "idle_session_timeout = 15min  # logoff",
			"idle_session_timeout", "15min", false},
		{"dotted names are custom settings", "pgaudit.log = 'read,write'", "pgaudit.log",
			"read,write", false},
		{"a comment line is skipped", "  # ssl = off", "", "", false},
		{"a missing value is an error", "ssl =", "", "", true},
		{"an unterminated string is an error", "x = 'abc", "", "", true},
		{"trailing words are an error", "ssl = on off", "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, v, err := pgConfLine(tc.line)
			if (err != nil) != tc.bad || k != tc.key || v != tc.val {
				t.Fatalf("got %q %q %v; want %q %q error=%v", k, v, err, tc.key, tc.val, tc.bad)
			}
		})
	}
}

func TestPGConfIncludes(t *testing.T) {
	got := scanFiles(t, map[string]string{
		"db/postgresql.conf": "ssl = off\ninclude 'ssl.conf'\ninclude_if_exists 'missing.conf'\n" +
			"include_dir 'conf.d'\n",
		"db/ssl.conf":             "ssl = on\n",
		"db/conf.d/10-a.conf":     "log_connections = off\n",
		"db/conf.d/20-b.conf":     "log_connections = on\n",
		"db/conf.d/.hidden.conf":  "log_connections = off\n",
		"db/postgresql.auto.conf": "idle_session_timeout = '10min'\n",
	})
	cases := []struct {
		name, check, path string
		line              int
		want              check.Status
	}{
		{"an included file's later value wins", "postgres.ssl.enabled", "db/ssl.conf", 1,
			check.Pass},
		{"include_dir files apply in name order, hidden ones skipped",
			"postgres.log.connections", "db/conf.d/20-b.conf", 1, check.Pass},
		{"postgresql.auto.conf is read last", "postgres.timeout.idle-session",
			"db/postgresql.auto.conf", 1, check.Pass},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := findingOf(got, tc.check, tc.want)
			if !ok || f.Location.Path != tc.path || f.Location.Line != tc.line {
				t.Fatalf("got %+v; want %s at %s:%d", f, tc.want, tc.path, tc.line)
			}
		})
	}
}

func TestHBARecords(t *testing.T) {
	cases := []struct {
		name, line string
		want       postgres.HBARule
	}{
		{"a local line has no address", "local all postgres peer",
			postgres.HBARule{Type: "local", Databases: []string{"all"},
				Users: []string{"postgres"}, Method: "peer"}},
		{"a CIDR address is split into address and netmask",
			"hostssl clinic app 10.20.0.0/16 scram-sha-256",
			postgres.HBARule{Type: "hostssl", Databases: []string{"clinic"},
				Users: []string{"app"}, Address: "10.20.0.0", Netmask: "255.255.0.0",
				Method: "scram-sha-256"}},
		{"an address and mask in two columns are read",
			"host all all 192.168.1.0 255.255.255.0 md5",
			postgres.HBARule{Type: "host", Databases: []string{"all"}, Users: []string{"all"},
				Address: "192.168.1.0", Netmask: "255.255.255.0", Method: "md5"}},
		{"an IPv6 prefix gets an IPv6 netmask", "host all all ::/0 reject",
			postgres.HBARule{Type: "host", Databases: []string{"all"}, Users: []string{"all"},
				Address: "::", Netmask: "::", Method: "reject"}},
		{"comma lists and options are read",
			"hostssl db1,db2 alice, bob samenet cert clientcert=verify-full",
			postgres.HBARule{Type: "hostssl", Databases: []string{"db1", "db2"},
				Users: []string{"alice", "bob"}, Address: "samenet", Method: "cert",
				Options: []string{"clientcert=verify-full"}}},
		{"a quoted keyword is a plain name", `host "all" +staff,@admins .example.org trust`,
			postgres.HBARule{Type: "host", Databases: []string{`"all"`},
				Users: []string{"+staff", "@admins"}, Address: ".example.org", Method: "trust"}},
		{"a bad connection type is recorded as an error", "hots all all all trust",
			postgres.HBARule{Type: "hots", Error: `invalid connection type "hots"`}},
		{"a bad mask is recorded as an error", "host all all 10.0.0.0/40 trust",
			postgres.HBARule{Type: "host", Databases: []string{"all"}, Users: []string{"all"},
				Error: `invalid CIDR mask in address "10.0.0.0"/40`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fields, err := hbaFields(tc.line)
			if err != nil {
				t.Fatal(err)
			}
			got := hbaRecord(fields, 1)
			tc.want.Line = 1
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("rule mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHBAContinuationKeepsTheFirstLine(t *testing.T) {
	lines, nums := hbaLines([]byte("# c\nhost all all \\\n  0.0.0.0/0 md5\nlocal all all peer\n"))
	if lines[1] != "host all all    0.0.0.0/0 md5" || nums[1] != 2 || nums[2] != 4 {
		t.Fatalf("got %q %v", lines, nums)
	}
}

func TestHBAPlaintextShadowingRejectFails(t *testing.T) {
	got := scanFiles(t, map[string]string{"db/pg_hba.conf": strings.Join([]string{
		"# TYPE DATABASE USER ADDRESS METHOD",
		"local all all peer",
		"host all all 0.0.0.0/0 scram-sha-256",
		"hostssl all all 0.0.0.0/0 scram-sha-256",
		"hostnossl all all 0.0.0.0/0 reject",
	}, "\n")})
	f, ok := findingOf(got, "postgres.hba.remote-plaintext", check.Fail)
	if !ok {
		t.Fatal("no failing postgres.hba.remote-plaintext finding")
	}
	if f.Location.Path != "db/pg_hba.conf" || f.Location.Line != 3 {
		t.Fatalf("located at %+v; want db/pg_hba.conf:3", f.Location)
	}
	if !strings.Contains(f.Message, "reject on line 5") {
		t.Fatalf("message %q does not name the shadowed reject on line 5", f.Message)
	}
	t.Run("without the postgresql.conf only the hba checks are judged", func(t *testing.T) {
		if st := statusOf(got, "postgres.ssl.enabled"); st != "" {
			t.Fatalf("postgres.ssl.enabled has status %q; want no finding", st)
		}
	})
}

func TestPGFilesChecks(t *testing.T) {
	conf := func(lines string) map[string]string {
		return map[string]string{"db/postgresql.conf": lines, "db/pg_hba.conf": hbaGood}
	}
	runCases(t, []checkCase{
		{"ssl off fails", conf("ssl = off"), "postgres.ssl.enabled", check.Fail},
		{"ssl left to its default fails", conf(""), "postgres.ssl.enabled", check.Fail},
		{"ssl on passes", conf("ssl = on"), "postgres.ssl.enabled", check.Pass},
		{"TLSv1.1 as minimum fails", conf("ssl_min_protocol_version = 'TLSv1.1'"),
			"postgres.ssl.min-protocol", check.Fail},
		{"the TLSv1.2 default passes", conf(""), "postgres.ssl.min-protocol", check.Pass},
		{"md5 password encryption fails", conf("password_encryption = md5"),
			"postgres.password.encryption", check.Fail},
		{"an unset idle_session_timeout fails", conf(""), "postgres.timeout.idle-session",
			check.Fail},
		{"idle_session_timeout of 15min passes", conf("idle_session_timeout = '15min'"),
			"postgres.timeout.idle-session", check.Pass},
		{"log_connections off fails", conf("log_connections = off"),
			"postgres.log.connections", check.Fail},
		{"a prefix without the user fails", conf("log_line_prefix = '%m '"),
			"postgres.log.line-prefix", check.Fail},
		{"no pgaudit fails", conf(""), "postgres.pgaudit.loaded", check.Fail},
		{"pgaudit preloaded passes", conf("shared_preload_libraries = 'pgaudit'"),
			"postgres.pgaudit.loaded", check.Pass},
		{"pgaudit preloaded without pgaudit.log logs nothing and fails",
			conf("shared_preload_libraries = 'pgaudit'"), "postgres.pgaudit.classes", check.Fail},
		{"pgaudit.log with read and write passes", conf("shared_preload_libraries = " +
			"'pgaudit'\npgaudit.log = 'read, write'"), "postgres.pgaudit.classes", check.Pass},
		{"trust for remote clients fails", hba("hostssl all all 0.0.0.0/0 trust"),
			"postgres.hba.no-trust", check.Fail},
		{"scram for remote clients passes", map[string]string{"pg_hba.conf": hbaGood},
			"postgres.hba.no-trust", check.Pass},
		{"md5 for remote clients fails", hba("hostssl all all 10.0.0.0/8 md5"),
			"postgres.hba.no-password-methods", check.Fail},
		{"data checksums, chosen at initdb, are not judged from files", conf(""),
			"postgres.integrity.data-checksums", ""},
		{"role checks are left to the live server", conf(""), "postgres.roles.login-superuser",
			""},
		{"a syntax error is an error finding", conf("ssl = = on"), "postgres.ssl.enabled",
			check.Error},
	})
}

// hba returns a lone pg_hba.conf.
func hba(rules string) map[string]string { return map[string]string{"pg_hba.conf": rules} }

const hbaGood = "local all all peer\nhostssl all all 0.0.0.0/0 scram-sha-256\n" +
	"hostnossl all all 0.0.0.0/0 reject\n"

func TestFilesAreJudgedOnlyOnWhatFilesHold(t *testing.T) {
	got := scanFiles(t, map[string]string{"postgresql.conf": "log_connections = on\n",
		"pg_hba.conf": hbaGood})
	for _, f := range got {
		if f.Resource == overridesResource || !fileChecks[f.Check] {
			t.Errorf("%s on %s: a fact of the live database judged from files", f.Check,
				f.Resource)
		}
	}
}

func TestFilesAndLiveShareCheckIDs(t *testing.T) {
	live := map[string]bool{}
	for _, c := range postgres.Checks() {
		live[c.ID] = true
	}
	t.Run("every check judged from files is a live check", func(t *testing.T) {
		for id := range fileChecks {
			if !live[id] {
				t.Errorf("%s is not a postgres check", id)
			}
		}
	})
	t.Run("a pair of files yields a finding for every check files decide", func(t *testing.T) {
		got := scanFiles(t, map[string]string{"postgresql.conf": "ssl = on",
			"pg_hba.conf": hbaGood})
		seen := map[string]bool{}
		for _, f := range got {
			seen[f.Check] = true
		}
		for id := range fileChecks {
			if !seen[id] {
				t.Errorf("no finding of %s", id)
			}
		}
	})
}

func TestHBAFileSettingIsFollowed(t *testing.T) {
	got := scanFiles(t, map[string]string{
		"db/postgresql.conf":      "hba_file = 'auth/clinic_hba.conf'\n",
		"db/auth/clinic_hba.conf": "hostssl all all 0.0.0.0/0 trust\n",
	})
	f, ok := findingOf(got, "postgres.hba.no-trust", check.Fail)
	if !ok || f.Location.Path != "db/auth/clinic_hba.conf" || f.Location.Line != 1 {
		t.Fatalf("got %+v; want a failure at db/auth/clinic_hba.conf:1", f.Location)
	}
}
