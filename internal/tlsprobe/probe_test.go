package tlsprobe

import (
	"context"
	"crypto/tls"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kollguard/kollguard/internal/check"
)

// probeOK probes e and fails the test on an error.
func probeOK(t *testing.T, e Endpoint, o Options) *Snapshot {
	t.Helper()
	if o.ConnTimeout == 0 {
		o.ConnTimeout = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Probe(ctx, e, o)
	if err != nil {
		t.Fatalf("probe %s: %v", e, err)
	}
	return s
}

// statuses maps each check ID to the status of its first finding.
func statuses(fs []check.Finding) map[string]check.Status {
	out := map[string]check.Status{}
	for _, f := range fs {
		if _, ok := out[f.Check]; !ok {
			out[f.Check] = f.Status
		}
	}
	return out
}

func suiteSet(s *Snapshot, version string) []uint16 {
	var out []uint16
	for _, c := range s.Suites[version] {
		out = append(out, parseCode(c.Code))
	}
	slices.Sort(out)
	return out
}

func groupNames(gs []Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	slices.Sort(out)
	return out
}

func versionStatuses(s *Snapshot) map[string]VersionStatus {
	out := map[string]VersionStatus{}
	for _, v := range s.Versions {
		out[v.Name] = v.Status
	}
	return out
}

func TestProbeGoServers(t *testing.T) {
	pki := newPKI(t)
	rsaCert := pki.issue(t, certSpec{})
	restricted := []uint16{
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
		tls.TLS_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
	}
	tests := []struct {
		name     string
		cfg      *tls.Config
		versions map[string]VersionStatus
		suites   map[string][]uint16 // exact sets, when given
		groups   []string            // exact TLS 1.3 groups, when given
		pq       bool
		checks   map[string]check.Status
	}{
		{
			name: "a default Go server offers TLS 1.2 and 1.3 and prefers X25519MLKEM768",
			cfg:  &tls.Config{Certificates: []tls.Certificate{rsaCert}},
			versions: map[string]VersionStatus{"TLSv1.3": Offered, "TLSv1.2": Offered,
				"TLSv1.1": NotOffered, "TLSv1.0": NotOffered, "SSLv3": NotOffered},
			suites: map[string][]uint16{"TLSv1.3": {0x1301, 0x1302, 0x1303}},
			pq:     true,
			checks: map[string]check.Status{"tls.protocol.legacy-disabled": check.Pass,
				"tls.protocol.tls13": check.Pass, "tls.cipher.no-weak": check.Pass,
				"tls.cipher.static-rsa": check.Pass, "tls.kex.post-quantum": check.Pass,
				"tls.cert.trusted": check.Pass, "tls.cert.hostname": check.Pass,
				"tls.cert.key-size": check.Pass, "tls.cert.signature": check.Pass,
				"tls.cert.expired": check.Pass, "tls.enabled": check.Pass},
		},
		{
			name: "a TLS 1.3-only server is found without failing the probe",
			cfg: &tls.Config{Certificates: []tls.Certificate{rsaCert},
				MinVersion: tls.VersionTLS13},
			versions: map[string]VersionStatus{"TLSv1.3": Offered, "TLSv1.2": NotOffered,
				"TLSv1.0": NotOffered},
			checks: map[string]check.Status{"tls.protocol.legacy-disabled": check.Pass,
				"tls.cert.trusted": check.Pass, "tls.cert.hostname": check.Pass},
		},
		{
			name: "a TLS 1.2-only server with a restricted list yields exactly that list",
			cfg: &tls.Config{Certificates: []tls.Certificate{rsaCert},
				MaxVersion: tls.VersionTLS12, CipherSuites: restricted},
			versions: map[string]VersionStatus{"TLSv1.3": NotOffered, "TLSv1.2": Offered},
			suites:   map[string][]uint16{"TLSv1.2": sorted(restricted)},
			checks: map[string]check.Status{"tls.protocol.tls13": check.Fail,
				"tls.cipher.no-weak": check.Fail, "tls.cipher.static-rsa": check.Fail,
				"tls.cipher.cbc-sha1": check.Fail, "tls.kex.post-quantum": check.Fail},
		},
		{
			name: "a server whose curves exclude ML-KEM has no post-quantum group",
			cfg: &tls.Config{Certificates: []tls.Certificate{rsaCert},
				CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256}},
			groups: []string{"secp256r1", "x25519"},
			checks: map[string]check.Status{"tls.kex.post-quantum": check.Fail},
		},
		{
			name: "a server answering with HelloRetryRequest still has its suites found",
			cfg: &tls.Config{Certificates: []tls.Certificate{rsaCert},
				CurvePreferences: []tls.CurveID{tls.CurveP384}},
			suites: map[string][]uint16{"TLSv1.3": {0x1301, 0x1302, 0x1303}},
			groups: []string{"secp384r1"},
		},
		{
			name: "a server allowing TLS 1.0 fails the legacy protocol check",
			cfg: &tls.Config{Certificates: []tls.Certificate{rsaCert},
				MinVersion: tls.VersionTLS10},
			versions: map[string]VersionStatus{"TLSv1.1": Offered, "TLSv1.0": Offered,
				"SSLv3": NotOffered},
			checks: map[string]check.Status{"tls.protocol.legacy-disabled": check.Fail},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := probeOK(t, serveGo(t, tt.cfg), Options{CAFile: pki.caFile})
			got := versionStatuses(s)
			for v, want := range tt.versions {
				if got[v] != want {
					t.Errorf("%s: got %s, want %s", v, got[v], want)
				}
			}
			for v, want := range tt.suites {
				if d := cmp.Diff(want, suiteSet(s, v)); d != "" {
					t.Errorf("%s suites (-want +got):\n%s", v, d)
				}
			}
			if tt.groups != nil {
				if d := cmp.Diff(tt.groups, groupNames(s.Groups)); d != "" {
					t.Errorf("groups (-want +got):\n%s", d)
				}
			}
			if tt.pq && (!s.PQSupported || !s.PQPreferred) {
				t.Errorf("post-quantum: supported %t preferred %t, want both", s.PQSupported,
					s.PQPreferred)
			}
			// Under pq-ready, a missing post-quantum group is a failure, so
			// the table states what the probe saw of it.
			assertChecks(t, Evaluate(s, "t", Options{Profile: ProfilePQReady}), tt.checks)
		})
	}
}

func sorted(list []uint16) []uint16 {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}

func assertChecks(t *testing.T, fs []check.Finding, want map[string]check.Status) {
	t.Helper()
	got := statuses(fs)
	for id, st := range want {
		if got[id] != st {
			msg := ""
			for _, f := range fs {
				if f.Check == id {
					msg = f.Message
				}
			}
			t.Errorf("%s: got %s (%s), want %s", id, got[id], msg, st)
		}
	}
}

func TestProbeFindsSuitesBehindClientCertificates(t *testing.T) {
	t.Parallel()
	pki := newPKI(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.issue(t, certSpec{})},
		ClientAuth: tls.RequireAnyClientCert}
	s := probeOK(t, serveGo(t, cfg), Options{CAFile: pki.caFile})
	if d := cmp.Diff([]uint16{0x1301, 0x1302, 0x1303}, suiteSet(s, "TLSv1.3")); d != "" {
		t.Errorf("TLS 1.3 suites (-want +got):\n%s", d)
	}
	if len(s.Suites["TLSv1.2"]) == 0 {
		t.Error("no TLS 1.2 suites found behind a client certificate requirement")
	}
	f := s.Facts
	if f.ClientCertRequired == nil || !*f.ClientCertRequired {
		t.Errorf("client_cert_required = %v, want true", f.ClientCertRequired)
	}
	if s.Certificate == nil || !s.Certificate.Trusted {
		t.Errorf("certificate = %+v, want a trusted one", s.Certificate)
	}
}

func TestProbeServerPreferenceOrder(t *testing.T) {
	t.Parallel()
	pki := newPKI(t)
	want := []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.issue(t, certSpec{})},
		MaxVersion: tls.VersionTLS12, CipherSuites: want}
	s := probeOK(t, serveGo(t, cfg), Options{CAFile: pki.caFile})
	var got []uint16
	for _, c := range s.Suites["TLSv1.2"] {
		got = append(got, parseCode(c.Code))
	}
	if d := cmp.Diff(sorted(want), sorted(got)); d != "" {
		t.Errorf("suites (-want +got):\n%s", d)
	}
	if _, ok := s.ServerPreference["TLSv1.2"]; !ok {
		t.Error("server preference not determined")
	}
}

func TestServerThatNeedsSNI(t *testing.T) {
	pki := newPKI(t)
	cert := pki.issue(t, certSpec{})
	cfg := &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		if h.ServerName != "localhost" {
			return nil, errors.New("unknown server name")
		}
		return &tls.Config{Certificates: []tls.Certificate{cert}}, nil
	}}
	tests := []struct {
		name       string
		serverName string
		enabled    check.Status
	}{
		{"is probed through SNI when a name is given", "localhost", check.Pass},
		{"is unknown, never without TLS, when only an IP address is known", "", check.Unknown},
	}
	for _, tt := range tests {
		t.Run("a server that needs SNI "+tt.name, func(t *testing.T) {
			t.Parallel()
			e := serveGo(t, cfg)
			e.ServerName = tt.serverName
			s := probeOK(t, e, Options{CAFile: pki.caFile})
			if got := statuses(Evaluate(s, "t", Options{}))["tls.enabled"]; got != tt.enabled {
				t.Errorf("tls.enabled %s, want %s; errors %v", got, tt.enabled, s.Errors)
			}
		})
	}
}
