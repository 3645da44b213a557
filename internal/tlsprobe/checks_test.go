package tlsprobe

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
)

func TestEveryCheckIsDescribedAndMapped(t *testing.T) {
	t.Parallel()
	set := check.NewSet(Checks()) // panics on a duplicate ID
	for _, c := range set.All() {
		if c.Kind != Kind || c.Title == "" || c.Rationale == "" || c.Remediation == "" ||
			c.Severity.Rank() < 0 || len(c.Safeguards) == 0 {
			t.Errorf("%s is incompletely described: %+v", c.ID, c)
		}
		if !strings.HasPrefix(c.ID, "tls.") {
			t.Errorf("%s: ID outside the tls namespace", c.ID)
		}
		for _, sg := range c.Safeguards {
			if _, ok := catalog.Lookup(sg); !ok {
				t.Errorf("%s: unknown safeguard %s", c.ID, sg)
			}
		}
		if strings.HasPrefix(c.ID, "tls.cert.") && !contains(c.Safeguards, "164.312(d)") {
			t.Errorf("%s: certificate check not mapped to 164.312(d)", c.ID)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sample is a snapshot as a probe of a modern server would produce.
func sample() *Snapshot {
	return &Snapshot{
		Endpoint: Endpoint{Scheme: "tls", Host: "db.example", Port: 443},
		SNI:      "db.example", TLS: boolp(true),
		Versions: []Version{
			{Name: "TLSv1.3", Code: "0x0304", Status: Offered},
			{Name: "TLSv1.2", Code: "0x0303", Status: Offered},
			{Name: "TLSv1.1", Code: "0x0302", Status: NotOffered},
			{Name: "TLSv1.0", Code: "0x0301", Status: NotOffered},
			{Name: "SSLv3", Code: "0x0300", Status: NotOffered},
		},
		Suites: map[string][]Suite{
			"TLSv1.3": {newSuite(0x1301)},
			"TLSv1.2": {newSuite(0xc02f), newSuite(0xc013)},
		},
		Groups: []Group{newGroup(groupX25519)},
		Facts:  Facts{SecureRenegotiation: boolp(true)},
		Certificate: &Certificate{Subject: "CN=db.example", KeyType: "RSA", KeyBits: 2048,
			SignatureAlgorithm: "SHA256-RSA", Hostname: "db.example", HostnameMatch: true,
			Trusted: true, ServerAuth: true, NotAfter: time.Now().Add(48 * time.Hour),
			DaysLeft: 2, Chain: []ChainCert{{Subject: "CN=db.example",
				SignatureAlgorithm: "SHA256-RSA"}}},
	}
}

func TestPostQuantumIsAFactUnlessTheProfileAsksForIt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		profile string
		status  check.Status
	}{
		{"the hipaa profile reports missing PQ as a fact, not a failure", ProfileHIPAA,
			check.Pass},
		{"the pq-ready profile makes missing PQ a failure", ProfilePQReady, check.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range Evaluate(sample(), "t", Options{Profile: tt.profile}) {
				if f.Check != "tls.kex.post-quantum" {
					continue
				}
				if f.Status != tt.status || f.Severity != check.Info || len(f.Safeguards) == 0 {
					t.Errorf("status %s severity %s safeguards %v, want %s info with safeguards",
						f.Status, f.Severity, f.Safeguards, tt.status)
				}
				if !strings.Contains(f.Message, "no post-quantum") {
					t.Errorf("message %q does not state the fact", f.Message)
				}
			}
		})
	}
}

func TestEvaluateIsTheSameAfterAJSONRoundTrip(t *testing.T) {
	t.Parallel()
	s := sample()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := statuses(Evaluate(s, "t", Options{}))
	got := statuses(Evaluate(&back, "t", Options{}))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("findings differ after a round trip (-want +got):\n%s", d)
	}
	if len(want) != len(Checks()) {
		t.Errorf("%d checks reported, want %d", len(want), len(Checks()))
	}
	for _, key := range []string{`"versions"`, `"suites"`, `"code":"0x1301"`,
		`"name":"TLS_AES_128_GCM_SHA256"`, `"groups"`, `"pq":false`, `"certificate"`,
		`"facts"`} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestEvaluateOfNothingIsUnknown(t *testing.T) {
	t.Parallel()
	for id, st := range statuses(Evaluate(nil, "t", Options{})) {
		if st != check.Unknown {
			t.Errorf("%s: %s, want unknown", id, st)
		}
	}
}

func TestUnreachableReportsEveryCheck(t *testing.T) {
	t.Parallel()
	fs := Unreachable("clinic", errors.New("connection refused"))
	if len(fs) != len(Checks()) {
		t.Fatalf("%d findings, want %d", len(fs), len(Checks()))
	}
	for _, f := range fs {
		if f.Status != check.Error || !strings.Contains(f.Message, "connection refused") {
			t.Errorf("%s: %s %q", f.Check, f.Status, f.Message)
		}
	}
}

func TestWriteTextShowsSuitesAndGroups(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteText(&b, sample()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"TLSv1.3", "0x1301", "TLS_AES_128_GCM_SHA256",
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "CBC-SHA1", "x25519", "CN=db.example"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want Endpoint
		err  bool
	}{
		{"tls://db.example:8443", Endpoint{Scheme: "tls", Host: "db.example", Port: 8443}, false},
		{"https://app.example/login?x=1", Endpoint{Scheme: "https", Host: "app.example",
			Port: 443}, false},
		{"postgres://alice:secret@10.0.0.5:5433/clinic?sslmode=require",
			Endpoint{Scheme: "postgres", Host: "10.0.0.5", Port: 5433}, false},
		{"postgresql://db.example/x", Endpoint{Scheme: "postgres", Host: "db.example",
			Port: 5432}, false},
		{"smtp://mail.example", Endpoint{Scheme: "smtp", Host: "mail.example", Port: 25}, false},
		{"imap://mail.example", Endpoint{Scheme: "imap", Host: "mail.example", Port: 143}, false},
		{"pop3://mail.example", Endpoint{Scheme: "pop3", Host: "mail.example", Port: 110}, false},
		{"ldap://dir.example", Endpoint{Scheme: "ldap", Host: "dir.example", Port: 389}, false},
		{"tls://[::1]:443?sni=db.example", Endpoint{Scheme: "tls", Host: "::1", Port: 443,
			ServerName: "db.example"}, false},
		{"db.example:443", Endpoint{Scheme: "tls", Host: "db.example", Port: 443}, false},
		{"ftp://x.example", Endpoint{}, true},
		{"tls://x.example:99999", Endpoint{}, true},
		{"tls://:443", Endpoint{}, true},
	}
	for _, tt := range tests {
		t.Run("parsing "+tt.raw, func(t *testing.T) {
			t.Parallel()
			got, err := ParseEndpoint(tt.raw)
			if (err != nil) != tt.err {
				t.Fatalf("error %v, want error %t", err, tt.err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if strings.Contains(got.String(), "secret") {
				t.Error("the endpoint kept a password")
			}
		})
	}
}
