// Package pgcluster starts a throwaway PostgreSQL 15 cluster on loopback: a
// fresh initdb in a temporary directory, a random superuser password, a free
// TCP port on 127.0.0.1 and a server log file. It powers `kollguard demo` and
// the integration tests of the collectors, which scan real servers.
//
// When the process runs as root, initdb and pg_ctl run as the `postgres`
// operating-system user, because initdb refuses to run as root.
package pgcluster

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
)

// BinDir is where the PostgreSQL 15 server binaries live (Debian layout).
const BinDir = "/usr/lib/postgresql/15/bin"

// Options shape the cluster that Start creates.
type Options struct {
	// Settings are extra postgresql.conf lines, name to raw value. Values are
	// written single-quoted, which PostgreSQL accepts for every setting type.
	// They win over what Pgaudit and TLS set.
	Settings map[string]string
	// HBA is the full pg_hba.conf content; empty means DefaultHBA.
	HBA string
	// Checksums runs initdb with --data-checksums.
	Checksums bool
	// Pgaudit adds pgaudit to shared_preload_libraries.
	Pgaudit bool
	// TLS writes a generated self-signed certificate for 127.0.0.1 and
	// localhost into the data directory and sets ssl = on.
	TLS bool
}

// DefaultHBA allows password (SCRAM) logins over the Unix socket and from
// loopback only.
const DefaultHBA = `local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
`

// Cluster is a running throwaway cluster. Stop it to remove its files.
type Cluster struct {
	dir      string // temporary root: data/, sock/, server.log
	port     int
	password string
	owner    *owner

	stopOnce sync.Once
	stopErr  error
}

// Port returns the TCP port the server listens on.
func (c *Cluster) Port() int { return c.port }

// Host returns the loopback address the server listens on.
func (c *Cluster) Host() string { return "127.0.0.1" }

// SuperuserPassword returns the random password of the `postgres` superuser.
func (c *Cluster) SuperuserPassword() string { return c.password }

// DataDir returns the cluster's data directory.
func (c *Cluster) DataDir() string { return filepath.Join(c.dir, "data") }

// LogPath returns the server log file written through pg_ctl -l.
func (c *Cluster) LogPath() string { return filepath.Join(c.dir, "server.log") }

func (c *Cluster) sockDir() string { return filepath.Join(c.dir, "sock") }

// URL returns a connection URL for user and database without a password,
// with TLS disabled: postgres://user@127.0.0.1:PORT/db?sslmode=disable.
func (c *Cluster) URL(user, db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(user),
		Host:     net.JoinHostPort(c.Host(), strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// SocketURL returns a connection URL for user and database over the
// cluster's Unix socket, without a password.
func (c *Cluster) SocketURL(user, db string) string {
	q := url.Values{"host": {c.sockDir()}, "port": {strconv.Itoa(c.port)}}
	u := url.URL{Scheme: "postgres", User: url.User(user), Path: "/" + db, RawQuery: q.Encode()}
	return u.String()
}

// Connect opens a connection to db as the `postgres` superuser over the Unix
// socket, so it works under any pg_hba.conf with a local line for postgres.
func (c *Cluster) Connect(ctx context.Context, db string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(c.SocketURL("postgres", db))
	if err != nil {
		return nil, fmt.Errorf("parsing superuser URL: %w", err)
	}
	cfg.Password = c.password
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s as postgres: %w", db, err)
	}
	return conn, nil
}

// Exec runs sql in db as the `postgres` superuser over the simple query
// protocol, so sql may hold several statements.
func (c *Cluster) Exec(ctx context.Context, db, sql string) error {
	conn, err := c.Connect(ctx, db)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return fmt.Errorf("running SQL in %s: %w", db, err)
	}
	return nil
}

// Stop shuts the server down in fast mode and removes its temporary
// directory. It is safe to call more than once.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		err := c.pgctl(context.Background(), "stop", "-m", "fast", "-w", "-t", "30")
		if rmErr := os.RemoveAll(c.dir); rmErr != nil && err == nil {
			err = fmt.Errorf("removing %s: %w", c.dir, rmErr)
		}
		c.stopErr = err
	})
	return c.stopErr
}
