// Package redact keeps secrets from leaving the process: a Writer replaces
// every registered secret (a password, a token) before bytes reach the
// terminal, a report file or a log.
package redact

import (
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Mask replaces a secret in output.
const Mask = "xxxxx"

// Secrets is a set of strings that must never be printed. It is safe for
// concurrent use.
type Secrets struct {
	mu   sync.RWMutex
	list []string
}

// Add registers s, and the forms it takes when escaped in a URL.
func (s *Secrets) Add(secret string) {
	if secret == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret),
		url.UserPassword("u", secret).String()[2:]} {
		if v != "" && !slices.Contains(s.list, v) {
			s.list = append(s.list, v)
		}
	}
	slices.SortFunc(s.list, func(a, b string) int { return len(b) - len(a) })
}

// Redact returns text with every secret masked, longest secret first so that
// a secret containing another is masked whole.
func (s *Secrets) Redact(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, secret := range s.list {
		text = strings.ReplaceAll(text, secret, Mask)
	}
	return text
}

// Writer masks secrets in everything written through it. Each Write is
// redacted on its own, so callers write whole messages or whole reports: a
// secret split across two Writes would not be recognised.
type Writer struct {
	w       io.Writer
	secrets *Secrets
}

// NewWriter returns a Writer that masks secrets before writing to w.
func NewWriter(w io.Writer, secrets *Secrets) *Writer {
	return &Writer{w: w, secrets: secrets}
}

// Write masks secrets in p and writes the result. It reports len(p) written
// on success, since callers count the bytes they passed in.
func (w *Writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, w.secrets.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
