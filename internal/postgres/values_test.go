package postgres

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGenericToken(t *testing.T) {
	tests := []struct{ name, want string }{
		{"frontdesk", "frontdesk"},
		{"front_desk", "frontdesk"},
		{"FrontDesk", "frontdesk"},
		{"DBAdmin", "admin"},
		{"nurse2", "nurse"},
		{"app.readonly", "readonly"},
		{"test-user", "test"},
		{"alice", ""},
		{"j.smith", ""},
		{"billing_svc", ""},
		{"clinic_app", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is judged by its tokens", func(t *testing.T) {
			if got := genericToken(tt.name); got != tt.want {
				t.Errorf("genericToken(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestAuditClasses(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"read, write, ddl, role", true},
		{"all", true},
		{"all, -misc", true},
		{"ALL,-write", false},
		{"write", false},
		{"none", false},
		{"'none'", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run("pgaudit.log = "+tt.value, func(t *testing.T) {
			if got := auditsReadWrite(tt.value); got != tt.want {
				t.Errorf("auditsReadWrite(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestValueReaders(t *testing.T) {
	got := map[string]bool{
		"positive 0":          positive("0"),
		"positive 5min":       positive("5min"),
		"positive 900000":     positive("900000"),
		"positive -1":         positive("-1"),
		"bool on":             boolOn("on"),
		"bool off":            boolOn("off"),
		"tls TLSv1.1":         tlsAtLeast12("TLSv1.1"),
		"tls TLSv1.3":         tlsAtLeast12("TLSv1.3"),
		"tls empty":           tlsAtLeast12(""),
		"prefix good":         prefixIdentifies("%m [%p] %q%u@%d %r "),
		"prefix no client":    prefixIdentifies("%m %u@%d "),
		"prefix escaped":      prefixIdentifies("%%u %%d %%h %%t"),
		"preload with others": preloadsPgaudit("pg_stat_statements, pgaudit"),
	}
	want := map[string]bool{
		"positive 0": false, "positive 5min": true, "positive 900000": true,
		"positive -1": false, "bool on": true, "bool off": false, "tls TLSv1.1": false,
		"tls TLSv1.3": true, "tls empty": false, "prefix good": true,
		"prefix no client": false, "prefix escaped": false, "preload with others": true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("value readers (-want +got):\n%s", diff)
	}
}
