package webapp

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/check"
)

// app is a real local web application on loopback: an HTTPS server and its
// plain HTTP counterpart, each with its own handler.
type app struct {
	https *httptest.Server
	http  *httptest.Server
}

func startApp(t *testing.T, secure, plain http.HandlerFunc) *app {
	t.Helper()
	a := &app{https: httptest.NewTLSServer(secure)}
	t.Cleanup(a.https.Close)
	if plain != nil {
		a.http = httptest.NewServer(plain)
		t.Cleanup(a.http.Close)
	}
	return a
}

func (a *app) options(t *testing.T, protected ...string) Options {
	o := Options{Protected: protected, Timeout: 5 * time.Second}
	if a.http != nil {
		o.HTTPURL = a.http.URL
	} else {
		o.HTTPURL = "http://" + closedAddr(t)
	}
	return o
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

const patientMarker = "PATIENT Jane Roe DOB 1970-01-01"
const cookieSecret = "c00kie-value-secret"

func goodSecure(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	http.SetCookie(w, &http.Cookie{Name: "session", Value: cookieSecret, Secure: true,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 900})
	if strings.HasPrefix(r.URL.Path, "/chart") {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	w.Write([]byte(patientMarker))
}

func redirectPlain(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "https://clinic.example"+r.URL.Path+"?session="+cookieSecret,
		http.StatusPermanentRedirect)
}

func badSecure(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: cookieSecret, MaxAge: 86400})
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write([]byte(patientMarker))
}

func servePlain(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("<form action=/login method=post>" + patientMarker))
}

func statuses(fs []check.Finding) map[string]check.Status {
	out := map[string]check.Status{}
	for _, f := range fs {
		if prev, ok := out[f.Check]; !ok || f.Status == check.Fail || prev == check.Pass {
			out[f.Check] = f.Status
		}
	}
	return out
}

func TestApplications(t *testing.T) {
	tests := []struct {
		name          string
		secure, plain http.HandlerFunc
		protected     []string
		want          map[string]check.Status
	}{
		{"a well-configured application passes every check", goodSecure, redirectPlain,
			[]string{"/chart/42"}, map[string]check.Status{
				"webapp.http.redirect": check.Pass, "webapp.hsts": check.Pass,
				"webapp.cookie.flags": check.Pass, "webapp.cookie.lifetime": check.Pass,
				"webapp.cache.no-store": check.Pass}},
		{"a careless application fails every check", badSecure, servePlain,
			[]string{"/chart/42"}, map[string]check.Status{
				"webapp.http.redirect": check.Fail, "webapp.hsts": check.Fail,
				"webapp.cookie.flags": check.Fail, "webapp.cookie.lifetime": check.Fail,
				"webapp.cache.no-store": check.Fail}},
		{"an application that does not listen on plain HTTP needs no redirect", goodSecure,
			nil, nil, map[string]check.Status{
				"webapp.http.redirect": check.Pass, "webapp.cache.no-store": check.Unknown}},
		{"an application that sets no session cookie leaves cookies undecided",
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Strict-Transport-Security", "max-age=15552000")
			}, redirectPlain, nil, map[string]check.Status{
				"webapp.hsts": check.Fail, "webapp.cookie.flags": check.Unknown,
				"webapp.cookie.lifetime": check.Unknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startApp(t, tt.secure, tt.plain)
			o := a.options(t, tt.protected...)
			snap, err := Collect(context.Background(), a.https.URL, o)
			if err != nil {
				t.Fatal(err)
			}
			got := statuses(Evaluate(snap, "portal", o))
			for id, want := range tt.want {
				if got[id] != want {
					t.Errorf("%s = %s, want %s", id, got[id], want)
				}
			}
			if len(got) != len(Checks()) {
				t.Errorf("findings cover %d checks, want every one of %d", len(got),
					len(Checks()))
			}
			raw, _ := json.Marshal(snap)
			if strings.Contains(string(raw), cookieSecret) ||
				strings.Contains(string(raw), "Jane Roe") {
				t.Errorf("the snapshot keeps a cookie value or page content: %s", raw)
			}
		})
	}
}

func TestAnUnreachableApplicationIsAnErrorWithinTheTimeout(t *testing.T) {
	start := time.Now()
	_, err := Collect(context.Background(), "https://"+closedAddr(t)+"/",
		Options{Timeout: 2 * time.Second})
	if err == nil {
		t.Fatal("Collect of a closed port returned no error")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Collect took %s", d)
	}
	for _, f := range Unreachable("portal", err) {
		if f.Status != check.Error {
			t.Errorf("%s: %s, want error", f.Check, f.Status)
		}
	}
}

func TestASilentServerCostsBoundedTime(t *testing.T) {
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
			defer c.Close() // hold the connection open and say nothing
		}
	}()
	done := make(chan error, 1)
	go func() {
		_, err := Collect(context.Background(), "https://"+l.Addr().String()+"/",
			Options{Timeout: time.Second})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("a silent server gave no error")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Collect hangs on a silent server")
	}
}

func TestParseHSTS(t *testing.T) {
	tests := []struct {
		header string
		age    int64
		sub    bool
	}{
		{"max-age=31536000", 31536000, false},
		{`max-age="63072000"; includeSubDomains; preload`, 63072000, true},
		{"includesubdomains;max-age=0", 0, true},
		{"garbage", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			age, sub := parseHSTS(tt.header)
			if age != tt.age || sub != tt.sub {
				t.Errorf("parseHSTS(%q) = %d, %v; want %d, %v", tt.header, age, sub, tt.age,
					tt.sub)
			}
		})
	}
}
