// Package scanfile reads the files of a directory target with the limits
// every file scanner keeps: a path relative to the scanned root, never
// outside it through "..", and at most MaxSize bytes, so that a huge file
// costs bounded memory and is reported instead of read.
package scanfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// MaxSize is the largest file read; a bigger one is refused with ErrTooLarge.
const MaxSize = 10 << 20

// ErrTooLarge marks a file larger than MaxSize.
var ErrTooLarge = errors.New("larger than 10 MiB, not scanned")

// Read returns the content of rel, a slash-separated path relative to root.
// Errors name rel, never root, so that reports show paths as the user
// gave them; the cause is kept for errors.Is.
func Read(root, rel string) ([]byte, error) {
	clean := filepath.Clean(filepath.FromSlash(rel))
	up := ".." + string(filepath.Separator)
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, up) {
		return nil, fmt.Errorf("%s: outside the scanned directory", rel)
	}
	f, err := os.Open(filepath.Join(root, clean))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, bare(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, bare(err))
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: %w", rel, ErrTooLarge)
	}
	return data, nil
}

// bare drops the absolute path an os error carries.
func bare(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Paths checks that root is a directory and returns paths sorted, so that
// every scanner reports files in the same order.
func Paths(root string, paths []string) ([]string, error) {
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("scanning %s: not a directory", root)
	}
	sorted := slices.Clone(paths)
	slices.Sort(sorted)
	return sorted, nil
}
