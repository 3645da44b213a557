package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kollguard/kollguard/internal/redact"
)

// Time limits of one collection.
const (
	connectTimeout = 10 * time.Second
	// collectTimeout caps a whole collection when ctx has no earlier
	// deadline; each statement is also bounded by statement_timeout.
	collectTimeout = 2 * time.Minute
)

// ApplicationName is the application_name of the scanning session, by which
// the server log tells KollGuard's statements apart.
const ApplicationName = "kollguard"

// Conn says how to reach a server.
type Conn struct {
	URL string // postgres://user@host:port/db?sslmode=...
	// Password may be empty: then pgx's own PGPASSWORD and pgpass lookup
	// applies.
	Password string
}

// Collect reads a snapshot of the server c points at over one read-only
// session (default_transaction_read_only, statement_timeout 10s, lock_timeout
// 2s). It runs a handful of set-based catalog queries; it never reads rows of
// application tables nor password hashes. Views the role may not read are
// recorded as unavailable in the snapshot, not returned as errors. Errors
// never contain the password.
func Collect(ctx context.Context, c Conn) (*Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, collectTimeout)
	defer cancel()

	cfg, err := sessionConfig(c)
	if err != nil {
		return nil, err
	}
	secrets := []string{c.Password, cfg.Password}
	where := describeTarget(cfg)

	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, withoutSecrets(connectError(where, err), secrets)
	}
	defer conn.Close(context.Background())

	s, err := collect(ctx, conn)
	if err != nil {
		return nil, withoutSecrets(fmt.Errorf("reading %s: %w", where, err), secrets)
	}
	if localHost(cfg.Host) {
		s.Storage = probeStorage(s.DataDirectory)
	}
	return s, nil
}

// sessionConfig parses c.URL and sets the session guards.
func sessionConfig(c Conn) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(c.URL)
	if err != nil {
		// pgx redacts the password of the URL in its own message.
		return nil, withoutSecrets(fmt.Errorf("parsing target URL: %w", err), []string{c.Password})
	}
	if c.Password != "" {
		cfg.Password = c.Password
	}
	cfg.ConnectTimeout = connectTimeout
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	for k, v := range map[string]string{
		"default_transaction_read_only": "on",
		"statement_timeout":             "10s",
		"lock_timeout":                  "2s",
		"application_name":              ApplicationName,
	} {
		cfg.RuntimeParams[k] = v
	}
	return cfg, nil
}

// describeTarget names a target without secrets: user@host:port/db.
func describeTarget(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s@%s/%s", cfg.User,
		net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), cfg.Database)
}

// collect runs the catalog queries in order. The session's own
// idle_in_transaction_session_timeout is set only after the settings have
// been read: set at connection start it would hide the server's value of
// that setting from pg_settings.
func collect(ctx context.Context, conn *pgx.Conn) (*Snapshot, error) {
	s := &Snapshot{SchemaVersion: SchemaVersion}
	if err := readSession(ctx, conn, s); err != nil {
		return nil, err
	}
	if err := readSettings(ctx, conn, s); err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "SET idle_in_transaction_session_timeout = '30s'"); err != nil {
		return nil, fmt.Errorf("setting the session's idle timeout: %w", err)
	}
	steps := []func(context.Context, *pgx.Conn, *Snapshot) error{
		readOverrides, readHBA, readRoles, readMD5, readTenancy,
	}
	for _, step := range steps {
		if err := step(ctx, conn, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// denied reports whether err is the server refusing a privilege (42501).
func denied(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42501"
}

// redactedError hides secrets from an error's text while keeping the chain
// for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

// Error returns the redacted message.
func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the original error, for errors.Is and errors.As.
func (e *redactedError) Unwrap() error { return e.err }

// withoutSecrets returns err with every non-empty secret in its text masked.
func withoutSecrets(err error, secrets []string) error {
	var s redact.Secrets
	for _, secret := range secrets {
		s.Add(secret)
	}
	return &redactedError{msg: s.Redact(err.Error()), err: err}
}

// ErrRefused marks a server that answered but refused the scanner's login:
// a wrong password or a role that may not connect, not a network problem.
var ErrRefused = errors.New("the server refused the login")

// connectError words a connection failure. A refused login says so plainly,
// without the driver's earlier attempts (sslmode=prefer tries TLS first).
func connectError(where string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "28") {
		return fmt.Errorf("connecting to %s: %w: %s", where, ErrRefused, pgErr.Message)
	}
	return fmt.Errorf("connecting to %s: %w", where, err)
}
