package postgres

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// readFunctions reads the functions and procedures outside the system
// schemas. The bodies of SQL and PL/pgSQL functions are scanned for table
// names as they arrive and then dropped: the snapshot keeps which tables a
// body names, never the body, which may hold keys or literals.
func readFunctions(ctx context.Context, conn *pgx.Conn, s *Snapshot, _ *relations) error {
	const q = `SELECT p.oid::regprocedure::text, pg_get_userbyid(p.proowner)::text,
		l.lanname::text, p.prosecdef, p.proleakproof, coalesce(p.proconfig, '{}'),
		ARRAY(SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
				ELSE pg_get_userbyid(a.grantee)::text END
			FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
			WHERE a.grantee <> p.proowner AND a.privilege_type = 'EXECUTE' ORDER BY 1),
		coalesce((SELECT e.extname::text FROM pg_depend d
			JOIN pg_extension e ON e.oid = d.refobjid
			WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
				AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
			LIMIT 1), ''),
		CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
			WHEN l.lanname IN ('sql', 'plpgsql') THEN p.prosrc ELSE '' END
		FROM pg_proc p
		JOIN pg_namespace n ON n.oid = p.pronamespace
		JOIN pg_language l ON l.oid = p.prolang
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
		ORDER BY 1`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading functions: %w", err)
	}
	names := newTableNames(s.Tables)
	var f Function
	var body string
	dest := []any{&f.Signature, &f.Owner, &f.Language, &f.SecurityDefiner, &f.Leakproof,
		&f.Config, &f.Executors, &f.Extension, &body}
	s.Functions = []Function{}
	_, err = pgx.ForEachRow(rows, dest, func() error {
		g := f
		g.Reads = names.in(body)
		g.Raises = raisesException.MatchString(body)
		s.Functions = append(s.Functions, g)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading functions: %w", err)
	}
	return nil
}

// raisesException matches RAISE EXCEPTION, and RAISE 'message', whose
// default level is EXCEPTION, in PL/pgSQL.
var raisesException = regexp.MustCompile(`(?i)\braise\s+(exception\b|')`)

// identifier matches a possibly schema-qualified, possibly quoted SQL name.
var identifier = regexp.MustCompile(
	`(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*))?`)

// tableNames finds table names in function bodies.
type tableNames struct {
	qualified map[string]string   // "schema.name" -> itself
	bare      map[string][]string // "name" -> every schema.name with it
}

func newTableNames(tables []Table) tableNames {
	n := tableNames{qualified: map[string]string{}, bare: map[string][]string{}}
	for _, t := range tables {
		q := t.qualified()
		n.qualified[strings.ToLower(q)] = q
		n.bare[strings.ToLower(t.Name)] = append(n.bare[strings.ToLower(t.Name)], q)
	}
	return n
}

// in returns the sorted schema.name of the tables body names. A bare name
// counts for every schema holding a table of that name.
func (n tableNames) in(body string) []string {
	if body == "" {
		return nil
	}
	seen := map[string]bool{}
	for _, id := range identifier.FindAllString(body, -1) {
		id = normIdent(id)
		if q, ok := n.qualified[id]; ok {
			seen[q] = true
			continue
		}
		if _, name, ok := strings.Cut(id, "."); ok {
			id = name
		}
		for _, q := range n.bare[id] {
			seen[q] = true
		}
	}
	out := make([]string, 0, len(seen))
	for q := range seen {
		out = append(out, q)
	}
	sort.Strings(out)
	return out
}

// normIdent lower-cases unquoted parts, strips quotes and spaces.
func normIdent(id string) string {
	parts := strings.Split(id, ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if strings.HasPrefix(p, `"`) {
			parts[i] = strings.Trim(p, `"`)
		} else {
			parts[i] = strings.ToLower(p)
		}
	}
	return strings.Join(parts, ".")
}

// pinsSearchPath reports whether f sets search_path for its calls.
func (f Function) pinsSearchPath() bool {
	for _, c := range f.Config {
		if strings.HasPrefix(c, "search_path=") {
			return true
		}
	}
	return false
}

// BUG(kollguard): the tables a function reads are found by name in the
// bodies of SQL and PL/pgSQL functions: dynamic SQL (EXECUTE format(...)),
// calls to other functions and other languages are not followed, and a
// bare name counts for every schema holding a table of that name. A
// SECURITY DEFINER function whose body cannot be read is reported when its
// owner bypasses every policy.
