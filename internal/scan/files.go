package scan

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/inline"
	"github.com/kollguard/kollguard/internal/manifest"
	"github.com/kollguard/kollguard/internal/scanfile"
	"github.com/kollguard/kollguard/internal/secrets"
	"github.com/kollguard/kollguard/internal/serverconf"
	"github.com/kollguard/kollguard/internal/terraform"
)

// maxFiles bounds how many files one directory target may hold; a tree
// larger than this is scanned in part and the report says so.
const maxFiles = 200_000

// skipDirs are never walked: version control, dependencies, caches.
// Terraform reads .terraform/modules itself, through the module manifest.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true, ".terraform": true,
	"vendor": true, ".venv": true, "__pycache__": true,
}

// fileScanner is a package that judges files it recognises.
type fileScanner struct {
	match func(path string, head []byte) bool
	scan  func(target, root string, paths []string) ([]check.Finding, error)
}

var fileScanners = []fileScanner{
	{manifest.Match, manifest.Scan},
	{serverconf.Match, serverconf.Scan},
	{secrets.Match, secrets.Scan},
}

// tree is what a walk found under a target's root.
type tree struct {
	root      string
	claimed   [][]string // per fileScanner, paths relative to root
	terraform []string   // Terraform root modules, relative to root
	binary    []string   // files a scanner would read by name, but not text
	truncated bool
}

// scanFiles judges a directory or a single file: Terraform root modules,
// Kubernetes manifests, server configs and secrets left in files, then
// applies inline waiver marks.
func scanFiles(ctx context.Context, t Target, o Options) ([]check.Finding, error) {
	tr, err := walk(ctx, t.URL)
	if err != nil {
		return nil, err
	}
	var findings []check.Finding
	for i, s := range fileScanners {
		if len(tr.claimed[i]) == 0 {
			continue
		}
		found, err := s.scan(t.Name, tr.root, tr.claimed[i])
		if err != nil {
			return nil, err
		}
		findings = append(findings, found...)
	}
	for _, dir := range tr.terraform {
		findings = append(findings, scanTerraform(ctx, t, tr.root, dir, o)...)
	}
	if tr.truncated {
		findings = append(findings, truncation(t.Name, tr.root))
	}
	for _, rel := range tr.binary {
		findings = append(findings, checkFiles.Resultf(t.Name, rel, check.Unknown,
			"%s is not text (binary or encrypted): it was not read", rel).At(rel, 0))
	}
	findings = inline.Apply(findings, marks(tr.root, findings), o.ApprovedWaivers)
	return underRoot(findings, tr.root), nil
}

// underRoot makes finding locations relative to the working directory, as
// the user named the target, so that reports and SARIF point at real paths.
func underRoot(findings []check.Finding, root string) []check.Finding {
	if root == "." || root == "" {
		return findings
	}
	for i := range findings {
		if l := findings[i].Location; l != nil {
			loc := *l
			loc.Path = filepath.ToSlash(filepath.Join(root, filepath.FromSlash(l.Path)))
			findings[i].Location = &loc
		}
	}
	return findings
}

// scanTerraform evaluates one root module; its findings' locations are
// made relative to the target's root.
func scanTerraform(ctx context.Context, t Target, root, dir string, o Options) []check.Finding {
	snap, err := terraform.Load(ctx, filepath.Join(root, dir), o.Terraform)
	if err != nil {
		return []check.Finding{terraformError(t.Name, dir, err)}
	}
	found := terraform.Evaluate(snap, t.Name)
	for i := range found {
		if l := found[i].Location; l != nil && dir != "." {
			loc := *l
			loc.Path = filepath.ToSlash(filepath.Join(dir, l.Path))
			found[i].Location = &loc
		}
	}
	return found
}

// checkFiles records what a directory target could not read. It is evidence
// for no safeguard by itself: the checks of the files it missed are.
var checkFiles = check.Check{ID: "files.read", Kind: KindFiles,
	Title:    "Every file of a directory target was read",
	Severity: check.Medium, Safeguards: []string{},
	Rationale: "A module that cannot be evaluated, or a tree too large to read, hides " +
		"whatever its files would have shown.",
	Remediation: "Fix the module (terraform validate shows why), or scan the directories " +
		"that matter as separate targets."}

func terraformError(target, dir string, err error) check.Finding {
	return checkFiles.Resultf(target, dir, check.Error,
		"could not evaluate the Terraform module in %s: %v", dir, err)
}

func truncation(target, root string) check.Finding {
	return checkFiles.Resultf(target, root, check.Error,
		"more than %d files under %s: the rest were not read; scan the directories that "+
			"matter as separate targets", maxFiles, root)
}

// walk lists the files under path that some scanner claims. A single file
// is its own tree.
func walk(ctx context.Context, path string) (*tree, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	tr := &tree{root: path, claimed: make([][]string, len(fileScanners))}
	if !info.Mode().IsDir() {
		tr.root = filepath.Dir(path)
		tr.claim(filepath.Base(path))
		return tr, nil
	}
	count := 0
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable entry is skipped, not fatal
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(path, p)
		if d.IsDir() {
			if p != path && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			if isTerraformRoot(p, rel) {
				tr.terraform = append(tr.terraform, rel)
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if count++; count > maxFiles {
			tr.truncated = true
			return filepath.SkipAll
		}
		tr.claim(rel)
		return nil
	})
	return tr, err
}

// claim offers one file to every scanner, by its name and first bytes. A
// file that is not text goes to none: a binary named sshd_config, or one
// encrypted in place (git-crypt, sops), holds no settings to judge.
func (tr *tree) claim(rel string) {
	head := readHead(filepath.Join(tr.root, rel))
	text := isText(head)
	for i, s := range fileScanners {
		if !s.match(rel, head) {
			continue
		}
		if !text {
			tr.binary = append(tr.binary, filepath.ToSlash(rel))
			return
		}
		tr.claimed[i] = append(tr.claimed[i], filepath.ToSlash(rel))
	}
}

// isText tells text from binary by a file's first bytes: no NUL, and valid
// UTF-8 but for a character the cut may have split.
func isText(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	for cut := 0; cut < 4 && cut <= len(head); cut++ {
		if utf8.Valid(head[:len(head)-cut]) {
			return true
		}
	}
	return false
}

func readHead(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, _ := io.ReadFull(f, buf)
	return buf[:n]
}

// isTerraformRoot tells a root module from a module that roots call: a
// directory of .tf files none of whose path elements is "modules".
//
// BUG(kollguard): a module kept outside a "modules" directory is also
// evaluated on its own, with its variables unset; its findings may then be
// unknown or repeated.
func isTerraformRoot(dir, rel string) bool {
	if slices.Contains(strings.Split(filepath.ToSlash(rel), "/"), "modules") {
		return false
	}
	return terraform.IsTerraformDir(dir)
}

// marks reads the inline waiver marks of every file a finding points at.
func marks(root string, findings []check.Finding) map[string][]inline.Mark {
	out := map[string][]inline.Mark{}
	for _, f := range findings {
		if f.Location == nil {
			continue
		}
		if _, done := out[f.Location.Path]; done {
			continue
		}
		data, err := scanfile.Read(root, f.Location.Path)
		if err != nil {
			out[f.Location.Path] = nil
			continue
		}
		out[f.Location.Path] = inline.Marks(f.Location.Path, data)
	}
	return out
}
