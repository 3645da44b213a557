package redact

import (
	"bytes"
	"fmt"
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
