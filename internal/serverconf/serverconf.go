// Package serverconf judges server configuration files found in a scanned
// directory: nginx (TLS protocols and ciphers, the port 80 redirect, HSTS),
// OpenSSH's sshd_config (automatic logoff, password and root logins,
// ciphers and MACs, Match blocks included) and PostgreSQL's postgresql.conf
// and pg_hba.conf.
//
// The PostgreSQL files are not judged by rules of their own: they are read
// into a postgres.Snapshot and evaluated by postgres.Evaluate, so a file and
// a live server are held to the same checks with the same IDs. What only the
// database knows (roles, password hashes, per-role settings) is recorded as
// unavailable and those checks report unknown with the reason.
//
// Each parser is written for its format and never panics: nginx and sshd
// includes are followed relative to the main file's directory, never outside
// the scanned directory, to a bounded depth.
package serverconf

import (
	"bytes"
	"os"
	"sort"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile"
)

// file kinds this package reads.
const (
	kindNginx    = "nginx"
	kindSSHD     = "sshd"
	kindPGConf   = "postgresql.conf"
	kindPGHBA    = "pg_hba.conf"
	kindPGAuto   = "postgresql.auto.conf"
	sniffLength  = 8192
	sshdDropDirs = "sshd_config.d/"
)

// Match reports whether path (slash-separated, relative to the scanned
// directory) is a configuration file this package reads, judging by its name
// and, for nginx files not named nginx.conf, by head: the first bytes of the
// file.
func Match(path string, head []byte) bool { return kindOf(path, head) != "" }

// kindOf classifies a file by name, then by content.
func kindOf(path string, head []byte) string {
	base := baseOf(path)
	switch {
	case base == "nginx.conf":
		return kindNginx
	case base == "sshd_config",
		strings.Contains("/"+path, "/"+sshdDropDirs) && strings.HasSuffix(base, ".conf"):
		return kindSSHD
	case base == "postgresql.conf":
		return kindPGConf
	case base == "postgresql.auto.conf":
		return kindPGAuto
	case base == "pg_hba.conf":
		return kindPGHBA
	case looksNginx(path, head):
		return kindNginx
	}
	return ""
}

// looksNginx sniffs an nginx file by its server block.
func looksNginx(path string, head []byte) bool {
	if !strings.HasSuffix(path, ".conf") && !strings.Contains(path, "sites-") {
		return false
	}
	compact := bytes.Join(bytes.Fields(head), []byte(" "))
	return (bytes.Contains(compact, []byte("server {")) || bytes.Contains(compact,
		[]byte("http {"))) && (bytes.Contains(head, []byte("listen ")) ||
		bytes.Contains(head, []byte("ssl_")) || bytes.Contains(head, []byte("location ")))
}

// Scan reads the files of paths (relative to root, as the directory walk
// found them) that Match claims and returns their findings for target, each
// located at a file and line. A file that cannot be read or parsed, or that
// is larger than MaxFileSize, yields error findings naming it for every check
// of its kind. The error is only for a root that is not a directory.
func Scan(target, root string, paths []string) ([]check.Finding, error) {
	paths, err := scanfile.Paths(root, paths)
	if err != nil {
		return nil, err
	}
	fs := &fsys{root: root}
	byKind := classify(fs, paths)
	var out []check.Finding
	out = append(out, scanNginx(fs, target, byKind[kindNginx])...)
	out = append(out, scanSSHD(fs, target, byKind[kindSSHD])...)
	out = append(out, scanPostgres(fs, target, byKind)...)
	return out, nil
}

// classify sorts paths by kind, reading the head of files not known by name.
func classify(fs *fsys, paths []string) map[string][]string {
	out := map[string][]string{}
	sorted := append([]string(nil), paths...)
	sort.Strings(sorted)
	for _, p := range sorted {
		if k := kindOf(p, fs.head(p)); k != "" {
			out[k] = append(out[k], p)
		}
	}
	return out
}

// head returns the first bytes of a file, nil when it cannot be read.
func (s *fsys) head(rel string) []byte {
	f, err := os.Open(s.root + "/" + rel)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, sniffLength)
	n, _ := f.Read(buf)
	return buf[:n]
}

// roots returns the files of paths that no other file includes, in order.
func roots(paths []string, included map[string]bool) []string {
	var out []string
	for _, p := range paths {
		if !included[p] {
			out = append(out, p)
		}
	}
	return out
}

// scanNginx judges every nginx file that no other scanned nginx file
// includes, with its includes expanded.
func scanNginx(fs *fsys, target string, paths []string) []check.Finding {
	trees := map[string][]*directive{}
	notes := map[string][]string{}
	errs := map[string]error{}
	included := map[string]bool{}
	for _, p := range paths {
		tree, l, err := loadNginx(fs, p)
		trees[p], errs[p], notes[p] = tree, err, l.Notes
		for f := range l.Included {
			included[f] = included[f] || f != p
		}
	}
	var out []check.Finding
	for _, p := range roots(paths, included) {
		if errs[p] != nil {
			out = append(out, failAll(nginxChecks, target, p, errs[p])...)
			continue
		}
		for _, s := range nginxServers(trees[p]) {
			out = append(out, withNotes(run(nginxChecks, s, target, s.name()), notes[p])...)
		}
	}
	return out
}

// withNotes records in each finding's evidence the includes that were not
// read, so a reader knows what the verdict did not see.
func withNotes(fs []check.Finding, notes []string) []check.Finding {
	if len(notes) == 0 {
		return fs
	}
	for i := range fs {
		fs[i] = fs[i].With("not_read", notes)
	}
	return fs
}

// scanSSHD judges every sshd_config, and drop-in files no scanned
// sshd_config includes.
func scanSSHD(fs *fsys, target string, paths []string) []check.Finding {
	cfgs := map[string]*sshdConfig{}
	errs := map[string]error{}
	included := map[string]bool{}
	for _, p := range paths {
		cfg, inc, err := loadSSHD(fs, p)
		cfgs[p], errs[p] = cfg, err
		for f := range inc {
			included[f] = included[f] || f != p
		}
	}
	var out []check.Finding
	for _, p := range roots(paths, included) {
		if errs[p] != nil {
			out = append(out, failAll(sshdChecks, target, p, errs[p])...)
			continue
		}
		out = append(out, withNotes(run(sshdChecks, cfgs[p], target, p), cfgs[p].notes)...)
	}
	return out
}

// scanPostgres pairs each postgresql.conf with the pg_hba.conf of its
// directory and evaluates the PostgreSQL checks on each pair, or on a file
// found alone.
func scanPostgres(fs *fsys, target string, byKind map[string][]string) []check.Finding {
	dirs := map[string]*pgFiles{}
	var order []string
	get := func(p string) *pgFiles {
		d := dirOf(p)
		if dirs[d] == nil {
			dirs[d] = &pgFiles{}
			order = append(order, d)
		}
		return dirs[d]
	}
	var out []check.Finding
	for _, p := range byKind[kindPGConf] {
		get(p).conf, get(p).confErr = loadPGConf(fs, p)
		if err := get(p).confErr; err != nil {
			out = append(out, postgresError(target, p, err)...)
		}
	}
	for _, p := range byKind[kindPGHBA] {
		rules, err := loadHBA(fs, p)
		if err != nil {
			out = append(out, postgresError(target, p, err)...)
			continue
		}
		get(p).hba, get(p).hbaPath = rules, p
	}
	for _, d := range order {
		if err := dirs[d].namedHBA(fs, d); err != nil {
			out = append(out, postgresError(target, dirs[d].hbaPath, err)...)
			dirs[d].confErr = err
		}
	}
	sort.Strings(order)
	for _, d := range order {
		if pg := dirs[d]; pg.confErr == nil && (pg.conf != nil || pg.hbaPath != "") {
			out = append(out, pg.evaluate(target)...)
		}
	}
	return out
}
