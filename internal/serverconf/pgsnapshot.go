package serverconf

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/postgres"
)

// This file builds a postgres.Snapshot from postgresql.conf and pg_hba.conf
// and judges it with postgres.Evaluate, so that files and live servers are
// held to one set of rules. Facts that live only in the database (roles,
// password hashes, per-role settings, data checksums chosen at initdb) are
// recorded as unavailable, the way the live collector records what it may
// not read, and the checks that need them report unknown with the reason.

// overridesResource is the resource of findings about per-role and
// per-database settings.
const overridesResource = "pg_db_role_setting"

// Reasons recorded for facts configuration files do not hold.
const (
	whyOverrides = "per-role and per-database settings (ALTER ROLE/DATABASE ... SET) are " +
		"stored in the database, not in configuration files; scan the live server"
	whyMD5 = "password hashes are stored in the database, not in configuration files; " +
		"scan the live server"
	whyChecksums = "data_checksums is chosen by initdb and is not a postgresql.conf " +
		"setting; scan the live server"
)

// fileChecks lists the PostgreSQL checks whose inputs configuration files
// hold: server settings and pg_hba rules. Every other check judges facts
// stored in the database (roles, tables, policies, functions, per-role
// settings, checksums chosen at initdb): it does not apply to files, as a
// TLS check does not apply to a database, and yields no finding here. A
// scan of the live server judges those.
var fileChecks = map[string]bool{
	"postgres.ssl.enabled": true, "postgres.ssl.min-protocol": true,
	"postgres.password.encryption": true, "postgres.timeout.idle-session": true,
	"postgres.timeout.idle-in-transaction": true, "postgres.log.connections": true,
	"postgres.log.disconnections": true, "postgres.log.line-prefix": true,
	"postgres.pgaudit.loaded": true, "postgres.pgaudit.classes": true,
	"postgres.pgaudit.log-parameter": true,
	"postgres.hba.remote-plaintext":  true, "postgres.hba.no-trust": true,
	"postgres.hba.no-password-methods": true,
}

// hbaChecks lists the PostgreSQL checks that judge pg_hba rules only.
var hbaChecks = map[string]bool{
	"postgres.hba.remote-plaintext":    true,
	"postgres.hba.no-trust":            true,
	"postgres.hba.no-password-methods": true,
}

// BUG(kollguard): settings given on the server's command line (-c, a
// container's command) or through ALTER SYSTEM on another host override the
// files and are not seen; the defaults assumed for unset settings are those
// of PostgreSQL 15 and later.

// pgDefaults are the compiled-in values of settings the checks read, as
// PostgreSQL 15 and later ship them; pg_settings shows them with source
// "default" when no file sets them.
var pgDefaults = map[string]string{
	"ssl": "off", "ssl_min_protocol_version": "TLSv1.2",
	"password_encryption": "scram-sha-256", "idle_session_timeout": "0",
	"idle_in_transaction_session_timeout": "0", "log_connections": "off",
	"log_disconnections": "off", "log_line_prefix": "%m [%p] ",
	"shared_preload_libraries": "",
}

// pgauditDefaults apply only when pgaudit is preloaded; otherwise the
// settings do not exist, as on a live server.
var pgauditDefaults = map[string]string{"pgaudit.log": "none", "pgaudit.log_parameter": "off"}

// pgFiles is one server's configuration: postgresql.conf, pg_hba.conf or
// both, from the same directory.
type pgFiles struct {
	conf    *pgConf
	confErr error
	hba     []hbaRule
	hbaPath string
}

// namedHBA reads the file the hba_file setting names when no pg_hba.conf
// sits beside postgresql.conf; a relative name is taken from dir, the
// directory of postgresql.conf, as for a data directory's files.
func (p *pgFiles) namedHBA(fs *fsys, dir string) error {
	if p.conf == nil || p.hbaPath != "" {
		return nil
	}
	v, ok := p.conf.settings["hba_file"]
	if !ok {
		return nil
	}
	rel, ok := resolve(dir, v.Value)
	if !ok || len(fs.glob(rel)) != 1 {
		p.conf.notes = append(p.conf.notes, fmt.Sprintf("%s:%d: hba_file %s is not in the "+
			"scanned directory and was not read", v.File, v.Line, v.Value))
		return nil
	}
	rules, err := loadHBA(fs, rel)
	p.hba, p.hbaPath = rules, rel
	return err
}

// snapshot builds the facts the files hold.
func (p *pgFiles) snapshot() *postgres.Snapshot {
	s := &postgres.Snapshot{
		SchemaVersion:        postgres.SchemaVersion,
		ReadAllSettings:      true,
		Settings:             map[string]postgres.Setting{},
		MissingSettings:      map[string]string{"data_checksums": whyChecksums},
		OverridesUnavailable: whyOverrides,
		MD5Unavailable:       whyMD5,
	}
	if p.conf != nil {
		for name, v := range p.conf.settings {
			s.Settings[name] = postgres.Setting{Value: v.Value, Source: "configuration file"}
		}
		defaults(s, pgDefaults)
		if _, ok := s.Settings["shared_preload_libraries"]; ok && preloadsPgaudit(s) {
			defaults(s, pgauditDefaults)
		}
	}
	for _, r := range p.hba {
		s.HBA = append(s.HBA, r.HBARule)
	}
	return s
}

func defaults(s *postgres.Snapshot, values map[string]string) {
	for name, v := range values {
		if _, ok := s.Settings[name]; !ok {
			s.Settings[name] = postgres.Setting{Value: v, Source: "default"}
		}
	}
}

func preloadsPgaudit(s *postgres.Snapshot) bool {
	for _, lib := range strings.Split(s.Settings["shared_preload_libraries"].Value, ",") {
		lib = strings.ToLower(strings.Trim(strings.TrimSpace(lib), `"`))
		if lib == "pgaudit" || strings.HasSuffix(lib, "/pgaudit") {
			return true
		}
	}
	return false
}

// evaluate runs postgres.Evaluate on the files' snapshot, keeping the checks
// whose inputs the files hold, and locates every finding in its file.
func (p *pgFiles) evaluate(target string) []check.Finding {
	var out []check.Finding
	for _, f := range postgres.Evaluate(p.snapshot(), target, postgres.Options{}) {
		hba := hbaChecks[f.Check]
		switch {
		case !fileChecks[f.Check], f.Resource == overridesResource:
			continue // a fact of the live database, not of its files
		case hba && p.hbaPath == "", !hba && p.conf == nil:
			continue // the file these inputs come from is not there
		}
		out = append(out, p.locate(f))
	}
	if p.conf != nil {
		out = withNotes(out, p.conf.notes)
	}
	return dedupe(out)
}

// dedupe drops repeated findings: a check that needs the live server gives
// one unknown finding whatever Evaluate returned for it.
func dedupe(fs []check.Finding) []check.Finding {
	seen := map[string]bool{}
	var out []check.Finding
	for _, f := range fs {
		key := f.Check + "\x00" + f.Resource + "\x00" + string(f.Status) + "\x00" + f.Message
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	return out
}

// locate places a finding at the line its resource is written on: the
// setting's assignment, the pg_hba rule, or the top of the file.
func (p *pgFiles) locate(f check.Finding) check.Finding {
	if name, ok := strings.CutPrefix(f.Resource, "setting "); ok && p.conf != nil {
		if v, ok := p.conf.settings[name]; ok {
			return f.At(v.File, v.Line)
		}
	}
	var line int
	if _, err := fmt.Sscanf(f.Resource, "pg_hba.conf line %d", &line); err == nil {
		for _, r := range p.hba {
			if r.Line == line {
				return f.At(r.File, r.Line)
			}
		}
	}
	if hbaChecks[f.Check] && p.hbaPath != "" {
		return f.At(p.hbaPath, 0)
	}
	return f.At(p.mainPath(), 0)
}

func (p *pgFiles) mainPath() string {
	if p.conf != nil {
		for file := range p.conf.files {
			if baseOf(file) == "postgresql.conf" {
				return file
			}
		}
		files := make([]string, 0, len(p.conf.files))
		for file := range p.conf.files {
			files = append(files, file)
		}
		sort.Strings(files)
		return files[0]
	}
	return p.hbaPath
}
