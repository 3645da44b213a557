package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kollguard/kollguard/internal/scanfile"
)

// maxIncludeDepth bounds include chains, which may also loop.
const maxIncludeDepth = 16

// maxIncludedFiles bounds how many files one configuration may pull in.
const maxIncludedFiles = 1000

// fsys reads files below a scanned directory. Paths are slash-separated and
// relative to root; nothing outside root is ever read.
type fsys struct {
	root  string
	reads int
}

// read returns the content of rel through scanfile.Read, counting files so
// that include chains stay bounded.
func (s *fsys) read(rel string) ([]byte, error) {
	s.reads++
	if s.reads > maxIncludedFiles {
		return nil, fmt.Errorf("%s: more than %d files included", rel, maxIncludedFiles)
	}
	return scanfile.Read(s.root, rel)
}

// resolve turns a path written in a configuration file into a path
// relative to root: relative paths are taken from dir (a relative
// directory). It returns false for absolute paths and for paths leaving root.
func resolve(dir, written string) (string, bool) {
	if written == "" || filepath.IsAbs(written) || strings.HasPrefix(written, "/") {
		return "", false
	}
	p := filepath.ToSlash(filepath.Clean(filepath.Join(dir, written)))
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// glob expands a relative pattern below root into sorted relative paths of
// regular files.
func (s *fsys) glob(rel string) []string {
	matches, err := filepath.Glob(filepath.Join(s.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		r, err := filepath.Rel(s.root, m)
		if err == nil {
			out = append(out, filepath.ToSlash(r))
		}
	}
	sort.Strings(out)
	return out
}

// dirOf returns the slash directory of a relative path, "." at the top.
func dirOf(rel string) string {
	d := filepath.ToSlash(filepath.Dir(filepath.FromSlash(rel)))
	if d == "" {
		return "."
	}
	return d
}

// baseOf returns the last element of a slash path.
func baseOf(rel string) string { return filepath.Base(filepath.FromSlash(rel)) }
