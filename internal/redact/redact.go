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

// shortSecret is the length under which a secret is masked only where it
// stands as a word of its own: a three-letter password must not turn every
// "Exit" of a report into "Exxxxxit".
const shortSecret = 6

// Empty reports whether no secret is registered, so that callers can skip
// copying what they would mask.
func (s *Secrets) Empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.list) == 0
}

// Redact returns text with every secret masked, longest secret first so that
// a secret containing another is masked whole.
func (s *Secrets) Redact(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, secret := range s.list {
		if len(secret) >= shortSecret {
			text = strings.ReplaceAll(text, secret, Mask)
			continue
		}
		text = maskWord(text, secret)
	}
	return text
}

// maskWord masks secret where neither neighbour is a letter or a digit.
func maskWord(text, secret string) string {
	var b strings.Builder
	done := 0 // text[:done] is written
	for from := 0; ; {
		i := strings.Index(text[from:], secret)
		if i < 0 {
			b.WriteString(text[done:])
			return b.String()
		}
		i += from
		end := i + len(secret)
		if wordEdge(text, i-1) && wordEdge(text, end) {
			b.WriteString(text[done:i])
			b.WriteString(Mask)
			done, from = end, end
			continue
		}
		from = i + 1
	}
}

// wordEdge reports whether text has no letter or digit at byte i.
func wordEdge(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return true
	}
	c := text[i]
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
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
	if w.secrets.Empty() {
		return w.w.Write(p)
	}
	if _, err := io.WriteString(w.w, w.secrets.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
