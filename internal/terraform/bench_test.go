package terraform

import (
	"context"
	"os"
	"testing"
)

// BenchmarkLoadAndEvaluate measures a whole scan of the bundled example,
// or of the directory named by KOLLGUARD_TF_BENCH (see bench/terraform).
func BenchmarkLoadAndEvaluate(b *testing.B) {
	dir := os.Getenv("KOLLGUARD_TF_BENCH")
	if dir == "" {
		dir = "../../examples/clinic-infra"
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := Load(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		Evaluate(s, dir)
	}
}
