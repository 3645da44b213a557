package postgres

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/pgcluster"
)

// Benchmark catalog size: a large clinic database.
const (
	benchTables = 10000 // two columns each: 20,000 columns
	benchRoles  = 200
)

// BenchmarkCollectEvaluate measures one Collect and Evaluate of a server
// with 10,000 tables, 20,000 columns and 200 roles. It starts its own
// cluster, so it runs only under -bench.
func BenchmarkCollectEvaluate(b *testing.B) {
	if setupErr != nil {
		b.Skip(setupErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		Settings: map[string]string{"max_locks_per_transaction": "256", "fsync": "off"},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	sql := fmt.Sprintf(`
DO $$ BEGIN
  FOR i IN 1..%d LOOP
    EXECUTE format('CREATE TABLE t%%s (id int, note text)', i);
  END LOOP;
  FOR i IN 1..%d LOOP
    EXECUTE format('CREATE ROLE u%%s LOGIN', i);
  END LOOP;
END $$;`, benchTables, benchRoles)
	if err := c.Exec(ctx, "postgres", sql); err != nil {
		b.Fatal(err)
	}
	conn := superuserConn(c)

	var peak uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Collect(ctx, conn)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Tables) != benchTables {
			b.Fatalf("collected %d tables, want %d", len(s.Tables), benchTables)
		}
		if fs := Evaluate(s, "bench", Options{}); len(fs) < len(Checks()) {
			b.Fatalf("got %d findings, want at least %d", len(fs), len(Checks()))
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-inuse-MiB")
}
