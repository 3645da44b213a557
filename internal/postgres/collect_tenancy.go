package postgres

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// The catalog queries of row-level security, ePHI discovery and audit
// trails. Each is set-based: one query per kind of object, whatever the
// number of objects. None reads rows of application tables, pg_stats or
// pg_statistic: sampled values are ePHI themselves.

// userRelations limits a query on pg_class c joined to pg_namespace n to
// relations outside the system schemas.
const userRelations = `n.nspname NOT IN ('pg_catalog', 'information_schema')
	AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'`

// relations indexes the collected tables and views by OID while the
// queries that refer to them run.
type relations struct {
	tables map[uint32]int // OID -> index in Snapshot.Tables
	views  map[uint32]int // OID -> index in Snapshot.Views
}

// readTenancy runs the tenancy queries in order and derives the ePHI
// inventory from what they found.
func readTenancy(ctx context.Context, conn *pgx.Conn, s *Snapshot) error {
	rel := &relations{tables: map[uint32]int{}, views: map[uint32]int{}}
	steps := []func(context.Context, *pgx.Conn, *Snapshot, *relations) error{
		readTables, readViews, readGrants, readDescriptions, readPolicies, readFunctions,
		readTriggers, readExtensions,
	}
	for _, step := range steps {
		if err := step(ctx, conn, s, rel); err != nil {
			return err
		}
	}
	if v, ok := s.Settings["data_directory"]; ok {
		s.DataDirectory = v.Value
	}
	s.EPHI = discoverEPHI(s.Tables)
	return nil
}

func readTables(ctx context.Context, conn *pgx.Conn, s *Snapshot, rel *relations) error {
	const q = `SELECT c.oid, n.nspname::text, c.relname::text, c.relrowsecurity,
		c.relforcerowsecurity,
		coalesce(array_agg(a.attname::text ORDER BY a.attnum)
			FILTER (WHERE a.attnum IS NOT NULL), '{}'),
		coalesce(array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
			FILTER (WHERE a.attnum IS NOT NULL), '{}'),
		c.relkind::text, pg_get_userbyid(c.relowner)::text,
		coalesce((SELECT pn.nspname || '.' || p.relname FROM pg_inherits i
			JOIN pg_class p ON p.oid = i.inhparent
			JOIN pg_namespace pn ON pn.oid = p.relnamespace
			WHERE i.inhrelid = c.oid AND c.relispartition LIMIT 1), ''),
		coalesce(obj_description(c.oid, 'pg_class'), '')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attribute a
			ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		WHERE c.relkind IN ('r', 'p') AND ` + userRelations + `
		GROUP BY c.oid, n.nspname, c.relname
		ORDER BY 2, 3`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading the table inventory: %w", err)
	}
	var oid uint32
	var t Table
	dest := []any{&oid, &t.Schema, &t.Name, &t.RLS, &t.ForceRLS, &t.Columns, &t.Types, &t.Kind,
		&t.Owner, &t.Parent, &t.Comment}
	s.Tables = []Table{}
	_, err = pgx.ForEachRow(rows, dest, func() error {
		rel.tables[oid] = len(s.Tables)
		s.Tables = append(s.Tables, t)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading the table inventory: %w", err)
	}
	return nil
}

func readViews(ctx context.Context, conn *pgx.Conn, s *Snapshot, rel *relations) error {
	const q = `SELECT c.oid, n.nspname::text, c.relname::text, c.relkind::text,
		pg_get_userbyid(c.relowner)::text,
		coalesce((SELECT lower(o.option_value) IN ('true', 'on', '1', 'yes')
			FROM pg_options_to_table(c.reloptions) o
			WHERE o.option_name = 'security_invoker'), false),
		ARRAY(SELECT DISTINCT rn.nspname || '.' || r.relname
			FROM pg_rewrite rw
			JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid
				AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid
			JOIN pg_class r ON r.oid = d.refobjid
			JOIN pg_namespace rn ON rn.oid = r.relnamespace
			WHERE rw.ev_class = c.oid ORDER BY 1)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('v', 'm') AND ` + userRelations + `
		ORDER BY 2, 3`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading views: %w", err)
	}
	var oid uint32
	var v View
	dest := []any{&oid, &v.Schema, &v.Name, &v.Kind, &v.Owner, &v.SecurityInvoker, &v.DependsOn}
	s.Views = []View{}
	_, err = pgx.ForEachRow(rows, dest, func() error {
		rel.views[oid] = len(s.Views)
		s.Views = append(s.Views, v)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading views: %w", err)
	}
	return nil
}

// readGrants reads the privileges granted on tables and views to roles
// other than the owner. A NULL ACL means the owner's defaults: nothing to
// record.
func readGrants(ctx context.Context, conn *pgx.Conn, s *Snapshot, rel *relations) error {
	const q = `SELECT c.oid,
		CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END,
		a.privilege_type
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
		LATERAL aclexplode(c.relacl) a
		WHERE c.relacl IS NOT NULL AND a.grantee <> c.relowner
			AND c.relkind IN ('r', 'p', 'v', 'm') AND ` + userRelations
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading table privileges: %w", err)
	}
	var oid uint32
	var grantee, priv string
	_, err = pgx.ForEachRow(rows, []any{&oid, &grantee, &priv}, func() error {
		if i, ok := rel.tables[oid]; ok {
			s.Tables[i].Grants = addGrant(s.Tables[i].Grants, grantee, priv)
		} else if i, ok := rel.views[oid]; ok {
			s.Views[i].Grants = addGrant(s.Views[i].Grants, grantee, priv)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading table privileges: %w", err)
	}
	return nil
}

func addGrant(g map[string][]string, grantee, priv string) map[string][]string {
	if g == nil {
		g = map[string][]string{}
	}
	g[grantee] = append(g[grantee], priv)
	sort.Strings(g[grantee])
	return g
}

// readDescriptions reads column comments and the security labels of
// tables and columns (pgsodium, sepgsql, anon).
func readDescriptions(ctx context.Context, conn *pgx.Conn, s *Snapshot, rel *relations) error {
	const q = `SELECT 'c', d.objoid, a.attname::text, d.description
		FROM pg_description d
		JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
		WHERE d.classoid = 'pg_class'::regclass AND d.objsubid > 0
		UNION ALL
		SELECT 'l', l.objoid, coalesce(a.attname::text, ''), l.provider || ': ' || l.label
		FROM pg_seclabel l
		LEFT JOIN pg_attribute a ON a.attrelid = l.objoid AND a.attnum = l.objsubid
			AND l.objsubid > 0
		WHERE l.classoid = 'pg_class'::regclass`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading column comments and security labels: %w", err)
	}
	var kind, col, text string
	var oid uint32
	_, err = pgx.ForEachRow(rows, []any{&kind, &oid, &col, &text}, func() error {
		i, ok := rel.tables[oid]
		if !ok {
			return nil
		}
		t := &s.Tables[i]
		if kind == "c" {
			if t.ColumnComments == nil {
				t.ColumnComments = map[string]string{}
			}
			t.ColumnComments[col] = text
			return nil
		}
		if t.Labels == nil {
			t.Labels = map[string][]string{}
		}
		t.Labels[col] = append(t.Labels[col], text)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading column comments and security labels: %w", err)
	}
	return nil
}

func readPolicies(ctx context.Context, conn *pgx.Conn, s *Snapshot, _ *relations) error {
	const q = `SELECT n.nspname::text, c.relname::text, p.polname::text, p.polpermissive,
		CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT'
			WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
		ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END
			FROM unnest(p.polroles) r ORDER BY 1),
		coalesce(pg_get_expr(p.polqual, p.polrelid), ''),
		coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
		FROM pg_policy p
		JOIN pg_class c ON c.oid = p.polrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		ORDER BY 1, 2, 3`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading row-level security policies: %w", err)
	}
	s.Policies, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Policy])
	if err != nil {
		return fmt.Errorf("reading row-level security policies: %w", err)
	}
	return nil
}

func readTriggers(ctx context.Context, conn *pgx.Conn, s *Snapshot, _ *relations) error {
	const q = `SELECT n.nspname || '.' || c.relname, t.tgname::text,
		t.tgfoid::regprocedure::text, t.tgtype::int
		FROM pg_trigger t
		JOIN pg_class c ON c.oid = t.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND ` + userRelations + `
		ORDER BY 1, 2`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading triggers: %w", err)
	}
	var t Trigger
	var typ int
	s.Triggers = []Trigger{}
	_, err = pgx.ForEachRow(rows, []any{&t.Table, &t.Name, &t.Function, &typ}, func() error {
		s.Triggers = append(s.Triggers, triggerKind(t, typ))
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading triggers: %w", err)
	}
	return nil
}

// triggerKind decodes pg_trigger.tgtype into t.
func triggerKind(t Trigger, typ int) Trigger {
	const (
		row, before, insert, del, update, truncate = 1, 2, 4, 8, 16, 32
	)
	t.Row, t.Before = typ&row != 0, typ&before != 0
	t.Events = nil
	for _, e := range []struct {
		bit  int
		name string
	}{{insert, "INSERT"}, {update, "UPDATE"}, {del, "DELETE"}, {truncate, "TRUNCATE"}} {
		if typ&e.bit != 0 {
			t.Events = append(t.Events, e.name)
		}
	}
	return t
}

func readExtensions(ctx context.Context, conn *pgx.Conn, s *Snapshot, _ *relations) error {
	rows, err := conn.Query(ctx, `SELECT extname::text, extversion FROM pg_extension`)
	if err != nil {
		return fmt.Errorf("reading extensions: %w", err)
	}
	s.Extensions = map[string]string{}
	var name, version string
	_, err = pgx.ForEachRow(rows, []any{&name, &version}, func() error {
		s.Extensions[name] = version
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading extensions: %w", err)
	}
	return nil
}
