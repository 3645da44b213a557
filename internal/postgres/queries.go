package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Each function here runs one catalog query and fills its part of the
// snapshot. None touches rows of application tables.

func readSession(ctx context.Context, conn *pgx.Conn, s *Snapshot) error {
	const q = `SELECT current_setting('server_version'), current_database()::text,
		current_user::text, r.rolsuper,
		pg_has_role(current_user, 'pg_read_all_settings', 'USAGE'), now()
		FROM pg_roles r WHERE r.rolname = current_user`
	err := conn.QueryRow(ctx, q).Scan(&s.ServerVersion, &s.Database, &s.User, &s.Superuser,
		&s.ReadAllSettings, &s.CollectedAt)
	if err != nil {
		return fmt.Errorf("reading session facts: %w", err)
	}
	s.CollectedAt = s.CollectedAt.UTC()
	return nil
}

func readSettings(ctx context.Context, conn *pgx.Conn, s *Snapshot) error {
	const q = `SELECT name, setting, coalesce(unit, ''), source
		FROM pg_settings WHERE name = ANY($1)`
	names := settingNames()
	rows, err := conn.Query(ctx, q, names)
	if err != nil {
		return fmt.Errorf("reading settings: %w", err)
	}
	s.Settings = map[string]Setting{}
	var name string
	var v Setting
	_, err = pgx.ForEachRow(rows, []any{&name, &v.Value, &v.Unit, &v.Source}, func() error {
		s.Settings[name] = v
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading settings: %w", err)
	}
	for _, n := range names {
		if _, ok := s.Settings[n]; ok {
			continue
		}
		if s.MissingSettings == nil {
			s.MissingSettings = map[string]string{}
		}
		s.MissingSettings[n] = missingReason(s, n)
	}
	return nil
}

func missingReason(s *Snapshot, name string) string {
	if !s.ReadAllSettings {
		return fmt.Sprintf("not shown to role %s: it needs pg_read_all_settings "+
			"(GRANT pg_read_all_settings TO %s)", s.User, s.User)
	}
	if strings.HasPrefix(name, "pgaudit.") {
		return "not defined by the server: pgaudit is not loaded"
	}
	return "not defined by the server"
}

func readOverrides(ctx context.Context, conn *pgx.Conn, s *Snapshot) error {
	const q = `SELECT coalesce(r.rolname::text, ''), coalesce(d.datname::text, ''),
		s.setconfig
		FROM pg_db_role_setting s
		LEFT JOIN pg_roles r ON r.oid = s.setrole
		LEFT JOIN pg_database d ON d.oid = s.setdatabase
		ORDER BY 1, 2`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		if denied(err) {
			s.OverridesUnavailable = "needs SELECT on pg_db_role_setting: " + err.Error()
			return nil
		}
		return fmt.Errorf("reading per-role and per-database settings: %w", err)
	}
	var role, db string
	var config []string
	_, err = pgx.ForEachRow(rows, []any{&role, &db, &config}, func() error {
		for _, kv := range config {
			name, value, _ := strings.Cut(kv, "=")
			s.Overrides = append(s.Overrides,
				Override{Role: role, Database: db, Name: name, Value: value})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading per-role and per-database settings: %w", err)
	}
	return nil
}

func readHBA(ctx context.Context, conn *pgx.Conn, s *Snapshot) error {
	const q = `SELECT line_number, coalesce(type, ''), coalesce(database, '{}'),
		coalesce(user_name, '{}'), coalesce(address, ''), coalesce(netmask, ''),
		coalesce(auth_method, ''), coalesce(options, '{}'), coalesce(error, '')
		FROM pg_hba_file_rules ORDER BY line_number`
	rows, err := conn.Query(ctx, q)
	if err == nil {
		var r HBARule
		dest := []any{&r.Line, &r.Type, &r.Databases, &r.Users, &r.Address, &r.Netmask,
			&r.Method, &r.Options, &r.Error}
		_, err = pgx.ForEachRow(rows, dest, func() error {
			s.HBA = append(s.HBA, r)
			return nil
		})
	}
	if denied(err) {
		s.HBA = nil
		s.HBAUnavailable = fmt.Sprintf("needs SELECT on pg_hba_file_rules (superuser by "+
			"default): GRANT SELECT ON pg_hba_file_rules TO %[1]s; GRANT EXECUTE ON FUNCTION "+
			"pg_hba_file_rules() TO %[1]s", s.User)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading pg_hba rules: %w", err)
	}
	return nil
}

func readRoles(ctx context.Context, conn *pgx.Conn, s *Snapshot) error {
	const q = `SELECT r.oid, r.rolname::text, r.rolsuper, r.rolcanlogin, r.rolbypassrls,
		r.rolinherit, CASE WHEN r.rolvaliduntil = 'infinity' THEN NULL
			WHEN r.rolvaliduntil = '-infinity' THEN 'epoch'::timestamptz
			ELSE r.rolvaliduntil END,
		ARRAY(SELECT g.rolname::text FROM pg_auth_members m
			JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1)
		FROM pg_roles r ORDER BY r.rolname`
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("reading roles: %w", err)
	}
	var r Role
	var until *time.Time
	dest := []any{&r.OID, &r.Name, &r.Superuser, &r.Login, &r.BypassRLS, &r.Inherit, &until,
		&r.MemberOf}
	_, err = pgx.ForEachRow(rows, dest, func() error {
		role := r
		if until != nil {
			u := until.UTC()
			role.ValidUntil = &u
		}
		s.Roles = append(s.Roles, role)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading roles: %w", err)
	}
	return nil
}

// readMD5 asks the server which roles hold an MD5 hash; the comparison runs
// server side so no hash enters the process.
func readMD5(ctx context.Context, conn *pgx.Conn, s *Snapshot) error {
	const q = `SELECT rolname::text FROM pg_authid WHERE rolpassword LIKE 'md5%' ORDER BY 1`
	rows, err := conn.Query(ctx, q)
	if err == nil {
		s.MD5Roles, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if denied(err) {
		s.MD5Roles = nil
		s.MD5Unavailable = fmt.Sprintf("needs SELECT on pg_authid (superuser only by "+
			"default): scan as a superuser, or GRANT SELECT (rolname, rolpassword) ON "+
			"pg_authid TO %s, which lets that role read password hashes", s.User)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading password hash kinds: %w", err)
	}
	if s.MD5Roles == nil {
		s.MD5Roles = []string{}
	}
	return nil
}
