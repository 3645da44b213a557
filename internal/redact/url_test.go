package redact

import (
	"net/url"
	"strings"
	"testing"
)

func TestURLPasswords(t *testing.T) {
	tests := []struct {
		raw      string
		has      bool
		password string
	}{
		{"postgres://u:hunter2@h/db", true, "hunter2"},
		{"postgres://u@h/db?sslmode=require&password=hunter2", true, "hunter2"},
		{"postgres://u@h/db?SSLPassword=hunter2", true, "hunter2"},
		{"postgres://u:hunter2@h:port/db", true, ""}, // does not parse
		{"postgres://u@h/db?password=hunter2%zz", true, ""},
		{"postgres://u@h/db?sslmode=require", false, ""},
		{"https://portal.example/?next=/a@b:c", false, ""},
		{"postgres:/scanner:hunter2@db/clinic", false, ""},
		{"scanner:hunter2@db", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := HasURLPassword(tt.raw); got != tt.has {
				t.Errorf("HasURLPassword = %v, want %v", got, tt.has)
			}
			if strings.Contains(URL(tt.raw), "hunter2") {
				t.Errorf("URL(%q) = %q shows the password", tt.raw, URL(tt.raw))
			}
			u, err := url.Parse(tt.raw)
			if err != nil || !strings.Contains(tt.raw, "://") {
				return // no authority to take a password from
			}
			if got := TakeURLPassword(u); got != tt.password {
				t.Errorf("TakeURLPassword = %q, want %q", got, tt.password)
			}
			if strings.Contains(u.String(), "hunter2") {
				t.Errorf("after TakeURLPassword the URL is %q", u)
			}
		})
	}
}
