package scan

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/report"
	"github.com/kollguard/kollguard/internal/tlsprobe"
)

var quick = Options{Timeout: 20 * time.Second, TLS: tlsprobe.Options{ConnTimeout: time.Second}}

func TestSavedEvidenceJudgesLikeTheScanThatWroteIt(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "v", MaxAge: 3600})
	}))
	defer srv.Close()
	target, err := ParseTarget(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	ev := Collect(context.Background(), target, quick)
	rt, want := Judge(ev, quick)
	if rt.Status != report.Scanned || len(want) == 0 {
		t.Fatalf("live judge: %+v, %d findings", rt, len(want))
	}
	var buf bytes.Buffer
	if err := WriteEvidence(&buf, ev); err != nil {
		t.Fatal(err)
	}
	saved, err := ReadEvidence(&buf)
	if err != nil {
		t.Fatal(err)
	}
	_, got := Judge(saved, quick)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("judged from the saved evidence (-live +saved):\n%s", diff)
	}
}

func TestASilentEndpointIsUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	target, err := ParseTarget("tls://" + l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	rt, findings := Judge(Collect(context.Background(), target, quick), quick)
	if rt.Status != report.Unreachable || rt.Error == "" {
		t.Errorf("target %+v, want unreachable with the reason", rt)
	}
	for _, f := range findings {
		if f.Status == check.Pass || f.Status == check.Fail {
			t.Errorf("%s: %s on an endpoint that never spoke TLS", f.Check, f.Status)
		}
	}
}

func TestReadEvidenceRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, in := range []string{`{}`, `{"schema_version": 9}`, `not json`,
		`{"schema_version": 1, "target": {"name": "db", "kind": "postgres"}}`,
		`{"schema_version": 1, "target": {"name": "t", "kind": "tls"}}`,
		`{"schema_version": 1, "target": {"name": "x", "kind": "ftp"}}`,
		`{"schema_version": 1, "target": {"name": "w", "kind": "webapp"},` +
			` "tls": {}, "webapp": {"url": "https://x/"}}`} {
		if _, err := ReadEvidence(bytes.NewBufferString(in)); err == nil {
			t.Errorf("ReadEvidence(%s) = nil error", in)
		}
	}
}

// FuzzJudgeEvidence feeds saved evidence from anyone to Judge: whatever
// ReadEvidence accepts must be judged without a panic.
func FuzzJudgeEvidence(f *testing.F) {
	f.Add(`{"schema_version":1,"target":{"name":"w","kind":"webapp","url":"https://x/"},` +
		`"tls":{},"webapp":{"url":"https://x/","http":{},"https":{}}}`)
	f.Add(`{"schema_version":1,"target":{"name":"d","kind":"postgres"},"postgres":{}}`)
	f.Add(`{"schema_version":1,"target":{"name":"t","kind":"tls"},"tls":{"versions":[{}]}}`)
	f.Fuzz(func(t *testing.T, data string) {
		ev, err := ReadEvidence(bytes.NewBufferString(data))
		if err != nil {
			return
		}
		Judge(ev, quick)
	})
}

func TestAFailedTLSProbeOfADatabaseReadDoesNotMakeItUnreachable(t *testing.T) {
	ev, err := ReadEvidence(bytes.NewBufferString(`{"schema_version": 1,
		"target": {"name": "db", "kind": "postgres", "url": "postgres://s@db/x"},
		"postgres": {}, "errors": {"tls": "probing tls: i/o timeout"}}`))
	if err != nil {
		t.Fatal(err)
	}
	rt, findings := Judge(ev, quick)
	if rt.Status != report.Scanned {
		t.Errorf("status %s (%s), want scanned", rt.Status, rt.Error)
	}
	tlsErrors := 0
	for _, f := range findings {
		if strings.HasPrefix(f.Check, "tls.") && f.Status == check.Error {
			tlsErrors++
		}
	}
	if tlsErrors == 0 {
		t.Error("the failed probe left no trace in the findings")
	}
}
