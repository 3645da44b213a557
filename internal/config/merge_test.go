package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadAllMergesFiles(t *testing.T) {
	dir := t.TempDir()
	targets := filepath.Join(dir, "kollguard.yaml")
	writeFile(t, targets, "targets:\n  - name: db\n    url: postgres://scan@db/clinic\n")
	decisions := filepath.Join(dir, "decisions.yaml")
	writeFile(t, decisions, `decisions:
  - safeguard: 164.312(a)(2)(iv)
    status: implemented
    rationale: LUKS volumes
    owner: ops
    approved_by: ciso
    approved_on: 2026-01-02
    review_by: 2027-01-02
`)
	t.Run("targets and decisions from two files are one config", func(t *testing.T) {
		cfg, err := LoadAll([]string{targets, decisions}, testChecks)
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Targets) != 1 || len(cfg.Decisions) != 1 || cfg.Path != targets {
			t.Errorf("merged = %+v", cfg)
		}
	})
	t.Run("one file named two ways is read once", func(t *testing.T) {
		rel, err := filepath.Rel(".", targets)
		if err != nil {
			rel = targets
		}
		cfg, err := LoadAll([]string{targets, filepath.Join(dir, ".", "kollguard.yaml"), rel},
			testChecks)
		if err != nil || len(cfg.Targets) != 1 {
			t.Fatalf("LoadAll = %+v, %v", cfg, err)
		}
	})
	t.Run("a target name used in two files is an error naming both", func(t *testing.T) {
		again := filepath.Join(dir, "more.yaml")
		writeFile(t, again, "targets:\n  - name: db\n    url: postgres://scan@db2/clinic\n")
		_, err := LoadAll([]string{targets, again}, testChecks)
		if err == nil || !strings.Contains(err.Error(), again+":2: target name \"db\" is "+
			"already used at "+targets+":2") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("decisions that conflict across files are an error naming both", func(t *testing.T) {
		other := filepath.Join(dir, "other.yaml")
		writeFile(t, other, `decisions:
  - safeguard: 164.312(a)(2)(iv)
    status: not-applicable
    rationale: no disks
    owner: ops
    approved_by: ciso
    approved_on: 2026-03-02
    review_by: 2027-03-02
`)
		_, err := LoadAll([]string{decisions, other}, testChecks)
		if err == nil || !strings.Contains(err.Error(), other+":2: decisions: the decision at "+
			decisions+":2 already decides 164.312(a)(2)(iv)") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("an error in any file is reported with its file", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.yaml")
		writeFile(t, bad, "decisions: [1\n")
		_, err := LoadAll([]string{targets, bad}, testChecks)
		if err == nil || !strings.Contains(err.Error(), bad+":") {
			t.Fatalf("err = %v", err)
		}
	})
}
