// Package scanfiletest helps the tests of file scanners: it writes a tree of
// files into a temporary directory, and lists the files of a tree that a
// scanner claims, as a directory scan would pass them. Only tests import it.
package scanfiletest

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// WriteTree writes files (slash-separated path relative to the root, to
// content) into a fresh temporary directory and returns it with the paths,
// sorted.
func WriteTree(t testing.TB, files map[string]string) (root string, paths []string) {
	t.Helper()
	root = t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, rel)
	}
	sort.Strings(paths)
	return root, paths
}

// Claimed walks root and returns the slash-separated paths, relative to
// root, of the files that match claims.
func Claimed(t testing.TB, root string, match func(path string, head []byte) bool) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err == nil && match(filepath.ToSlash(rel), data) {
			paths = append(paths, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}
