package postgres

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/kollguard/kollguard/internal/pgcluster"
)

// Benchmark catalog size: a large multi-tenant clinic database.
const (
	benchTables    = 10000 // half of them tenant tables with RLS and a policy
	benchRoles     = 200
	benchViews     = 300
	benchFunctions = 500
)

// benchSQL builds the benchmark catalog: 10,000 tables (every even one a
// tenant table with ENABLE and FORCE and a policy, granted to the first
// role), 200 login roles, 300 invoker views over tenant tables and 500
// SECURITY DEFINER functions with a pinned search_path.
var benchSQL = fmt.Sprintf(`
DO $$ BEGIN
  FOR i IN 1..%d LOOP
    EXECUTE format('CREATE ROLE u%%s LOGIN', i);
  END LOOP;
  FOR i IN 1..%d LOOP
    IF i %% 2 = 0 THEN
      EXECUTE format('CREATE TABLE t%%s (id int, tenant_id int, patient_name text)', i);
      EXECUTE format('ALTER TABLE t%%s ENABLE ROW LEVEL SECURITY', i);
      EXECUTE format('ALTER TABLE t%%s FORCE ROW LEVEL SECURITY', i);
      EXECUTE format('CREATE POLICY tenant ON t%%s USING '
        '(tenant_id = current_setting(''app.tenant_id'')::int)', i);
      EXECUTE format('GRANT SELECT ON t%%s TO u1', i);
    ELSE
      EXECUTE format('CREATE TABLE t%%s (id int, note text)', i);
    END IF;
  END LOOP;
  FOR i IN 1..%d LOOP
    EXECUTE format('CREATE VIEW v%%s WITH (security_invoker = true) AS SELECT * FROM t%%s',
      i, 2 * i);
  END LOOP;
  FOR i IN 1..%d LOOP
    EXECUTE format('CREATE FUNCTION f%%s() RETURNS bigint LANGUAGE sql SECURITY DEFINER '
      'SET search_path = public AS %%L', i, format('SELECT count(*) FROM t%%s', i));
  END LOOP;
END $$;`, benchRoles, benchTables, benchViews, benchFunctions)

// BenchmarkCollectEvaluate measures one Collect and Evaluate of a server
// with 10,000 tables (5,000 with policies), 25,000 columns, 200 roles, 300
// views and 500 functions. It starts its own cluster, so it runs only under
// -bench.
func BenchmarkCollectEvaluate(b *testing.B) {
	if setupErr != nil {
		b.Skip(setupErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		Settings: map[string]string{"max_locks_per_transaction": "512", "fsync": "off"},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	if err := c.Exec(ctx, "postgres", benchSQL); err != nil {
		b.Fatal(err)
	}
	conn := superuserConn(c)

	var peak uint64
	var evaluating time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Collect(ctx, conn)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Tables) != benchTables || len(s.Policies) != benchTables/2 ||
			len(s.Views) != benchViews || len(s.Functions) < benchFunctions {
			b.Fatalf("collected %d tables, %d policies, %d views, %d functions",
				len(s.Tables), len(s.Policies), len(s.Views), len(s.Functions))
		}
		start := time.Now()
		fs := Evaluate(s, "bench", Options{})
		evaluating += time.Since(start)
		if len(fs) < len(Checks()) {
			b.Fatalf("got %d findings, want at least %d", len(fs), len(Checks()))
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-inuse-MiB")
	b.ReportMetric(float64(evaluating.Milliseconds())/float64(b.N), "evaluate-ms/op")
}
