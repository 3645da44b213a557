package secrets

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/scanfile/scanfiletest"
)

// TestExampleFindings scans the Kubernetes and server parts of the bundled
// clinic: the one secret in a file is the reports job's password inside a
// ConfigMap.
func TestExampleFindings(t *testing.T) {
	root := "../../examples/clinic-infra"
	var paths []string
	for _, dir := range []string{"k8s", "servers"} {
		for _, rel := range scanfiletest.Claimed(t, filepath.Join(root, dir), Match) {
			paths = append(paths, dir+"/"+rel)
		}
	}
	got, err := Scan("clinic", root, paths)
	if err != nil {
		t.Fatal(err)
	}
	var fails []string
	for _, f := range got {
		if f.Status == check.Fail {
			fails = append(fails, fmt.Sprintf("%s:%d %v", f.Location.Path, f.Location.Line,
				f.Evidence["rule"]))
		}
	}
	want := []string{"k8s/configmap.yaml:12 kollguard-password-assignment"}
	if diff := cmp.Diff(want, fails); diff != "" {
		t.Fatalf("failures (-want +got):\n%s", diff)
	}
}
