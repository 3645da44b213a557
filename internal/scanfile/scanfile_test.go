package scanfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "ok.conf"), []byte("ssl = on\n"), 0o644)
	os.WriteFile(filepath.Join(root, "big.json"), make([]byte, MaxSize+1), 0o644)
	t.Run("a file under the root is read", func(t *testing.T) {
		if got, err := Read(root, "ok.conf"); err != nil || string(got) != "ssl = on\n" {
			t.Fatalf("Read = %q, %v", got, err)
		}
	})
	t.Run("a file over the limit is refused by name", func(t *testing.T) {
		_, err := Read(root, "big.json")
		if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), "big.json: ") {
			t.Fatalf("Read = %v", err)
		}
	})
	t.Run("a missing file names the relative path only", func(t *testing.T) {
		_, err := Read(root, "nope.yaml")
		if !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), root) {
			t.Fatalf("Read = %v", err)
		}
	})
	t.Run("a path out of the root is refused", func(t *testing.T) {
		if _, err := Read(root, "../etc/passwd"); err == nil {
			t.Fatal("Read left the root")
		}
	})
}
