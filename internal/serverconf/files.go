package serverconf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxFileSize is the largest file Scan reads; a bigger one yields an error
// finding naming it.
const MaxFileSize = 10 << 20

// maxIncludeDepth bounds include chains, which may also loop.
const maxIncludeDepth = 16

// maxIncludedFiles bounds how many files one configuration may pull in.
const maxIncludedFiles = 1000

var errTooBig = errors.New("larger than 10 MiB")

// fsys reads files below a scanned directory. Paths are slash-separated and
// relative to root; nothing outside root is ever read.
type fsys struct {
	root  string
	reads int
}

// read returns the content of rel, refusing files over MaxFileSize.
func (s *fsys) read(rel string) ([]byte, error) {
	s.reads++
	if s.reads > maxIncludedFiles {
		return nil, fmt.Errorf("%s: more than %d files included", rel, maxIncludedFiles)
	}
	f, err := os.Open(filepath.Join(s.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, unwrapPath(err))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %w", rel, errTooBig)
	}
	return data, nil
}

// unwrapPath drops the absolute path os errors carry; messages name files
// relative to the scanned directory.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
