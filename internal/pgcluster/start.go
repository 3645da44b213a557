package pgcluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// startAttempts bounds the retries when another process takes the chosen
// port between picking it and the server binding it.
const startAttempts = 5

// Start creates and starts a cluster. It honours ctx: initdb and pg_ctl are
// killed when ctx ends, and the partial cluster is removed.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	own, err := currentOwner()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "kollguard-pg-")
	if err != nil {
		return nil, fmt.Errorf("creating cluster directory: %w", err)
	}
	c := &Cluster{dir: dir, owner: own}
	if err := c.create(ctx, opts); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.startServer(ctx); err != nil {
		c.pgctl(context.Background(), "stop", "-m", "immediate", "-w", "-t", "10")
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// create lays out the directory, runs initdb and writes the configuration.
func (c *Cluster) create(ctx context.Context, opts Options) error {
	if err := c.owner.chown(c.dir); err != nil {
		return err
	}
	if err := c.owner.mkdir(c.sockDir()); err != nil {
		return err
	}
	if err := c.initdb(ctx, opts.Checksums); err != nil {
		return err
	}
	if opts.TLS {
		if err := c.writeCertificate(); err != nil {
			return err
		}
	}
	return c.writeConfig(opts)
}

func (c *Cluster) initdb(ctx context.Context, checksums bool) error {
	pw, err := randomPassword()
	if err != nil {
		return err
	}
	c.password = pw
	pwfile := filepath.Join(c.dir, "pwfile")
	if err := c.owner.writeFile(pwfile, pw+"\n", 0o600); err != nil {
		return err
	}
	defer os.Remove(pwfile)

	args := []string{"-D", c.DataDir(), "-U", "postgres", "--auth=scram-sha-256",
		"--pwfile=" + pwfile, "--encoding=UTF8", "--locale=C", "--no-instructions"}
	if checksums {
		args = append(args, "--data-checksums")
	}
	if out, err := c.owner.run(ctx, c.dir, "initdb", args...); err != nil {
		return fmt.Errorf("running initdb: %w: %s", err, tail(out, 20))
	}
	return nil
}

func randomPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating superuser password: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// writeConfig appends opts.Settings to postgresql.conf and writes pg_hba.conf.
func (c *Cluster) writeConfig(opts Options) error {
	settings := map[string]string{"logging_collector": "off"}
	if opts.Pgaudit {
		settings["shared_preload_libraries"] = "pgaudit"
	}
	if opts.TLS {
		settings["ssl"] = "on"
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	names := make([]string, 0, len(settings))
	for k := range settings {
		names = append(names, k)
	}
	sort.Strings(names)

	var b strings.Builder
	b.WriteString("\n# added by kollguard pgcluster\n")
	for _, k := range names {
		fmt.Fprintf(&b, "%s = '%s'\n", k, strings.ReplaceAll(settings[k], "'", "''"))
	}
	conf := filepath.Join(c.DataDir(), "postgresql.conf")
	f, err := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("opening postgresql.conf: %w", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("writing postgresql.conf: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing postgresql.conf: %w", err)
	}

	hba := opts.HBA
	if hba == "" {
		hba = DefaultHBA
	}
	return c.owner.writeFile(filepath.Join(c.DataDir(), "pg_hba.conf"), hba, 0o600)
}

// startServer picks a free port and starts the server, retrying with another
// port when the chosen one was taken in the meantime.
func (c *Cluster) startServer(ctx context.Context) error {
	var lastErr error
	for range startAttempts {
		port, err := freePort()
		if err != nil {
			return err
		}
		c.port = port
		lastErr = c.pgctlStart(ctx)
		if lastErr == nil {
			return nil
		}
		if ctx.Err() != nil || !strings.Contains(c.logTail(40), "could not bind") {
			return lastErr
		}
	}
	return lastErr
}

func (c *Cluster) pgctlStart(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, c.sockDir())
	args := []string{"start", "-w", "-t", strconv.Itoa(waitSeconds(ctx)), "-o", opts,
		"-l", c.LogPath()}
	if err := c.pgctl(ctx, args...); err != nil {
		return fmt.Errorf("starting server on port %d: %w\nserver log:\n%s",
			c.port, err, c.logTail(20))
	}
	return nil
}

// waitSeconds is how long pg_ctl may wait for the server: the time left in
// ctx, at most 60 seconds.
func waitSeconds(ctx context.Context) int {
	wait := 60 * time.Second
	if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
		wait = time.Until(d)
	}
	return max(1, int(wait.Seconds()))
}

func (c *Cluster) pgctl(ctx context.Context, args ...string) error {
	full := append([]string{"-D", c.DataDir()}, args...)
	out, err := c.owner.run(ctx, c.dir, "pg_ctl", full...)
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", args[0], err, tail(out, 10))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("picking a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("picking a free port: listener has no TCP address")
	}
	return addr.Port, nil
}

// logTail returns the last n lines of the server log, or a note that there
// is none.
func (c *Cluster) logTail(n int) string {
	b, err := os.ReadFile(c.LogPath())
	if err != nil {
		return "(no server log: " + err.Error() + ")"
	}
	return tail(b, n)
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
