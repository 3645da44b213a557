package redact

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestWriterMasksEverySecretForm(t *testing.T) {
	var s Secrets
	s.Add("p@ss word/1")
	s.Add("")
	var buf bytes.Buffer
	w := NewWriter(&buf, &s)
	fmt.Fprintf(w, "raw p@ss word/1, query p%%40ss+word%%2F1, path p@ss%%20word%%2F1, "+
		"userinfo p%%40ss%%20word%%2F1")
	want := "raw xxxxx, query xxxxx, path xxxxx, userinfo xxxxx"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestShortSecretsAreMaskedAsWords(t *testing.T) {
	var s Secrets
	s.Add("x")
	s.Add("pw1")
	got := s.Redact("Exit 1: password x rejected; pw1, pw12 and xpw1 left")
	want := "Exit 1: password xxxxx rejected; xxxxx, pw12 and xpw1 left"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("x", "Exit x 1")
	f.Add("-a-", "-a-a-a-")
	f.Fuzz(func(t *testing.T, secret, text string) {
		var s Secrets
		s.Add(secret)
		out := s.Redact(text)
		if len(secret) >= shortSecret && strings.Contains(out, secret) &&
			!strings.Contains(Mask, secret) {
			t.Errorf("Redact(%q) = %q still shows %q", text, out, secret)
		}
	})
}
