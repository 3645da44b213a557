package tlsprobe

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"testing"
)

func TestSmoke(t *testing.T) {
	pki := newPKI(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.issue(t, certSpec{})}}
	e := serveGo(t, cfg)
	s, err := Probe(context.Background(), e, Options{CAFile: pki.caFile})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	t.Logf("%s", b)
}
