package pgcluster

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartRunsAClusterThatOnlyAcceptsPasswords(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := Start(ctx, Options{
		Settings:  map[string]string{"idle_session_timeout": "5min", "log_line_prefix": "%m [%p] "},
		Checksums: true,
		Pgaudit:   true,
		TLS:       true,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.DataDir()
	t.Cleanup(func() { c.Stop() })

	t.Run("the superuser connects with the generated password", func(t *testing.T) {
		conn, err := c.Connect(ctx, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var sum, idle, preload string
		err = conn.QueryRow(ctx, `SELECT current_setting('data_checksums'),
			current_setting('idle_session_timeout'),
			current_setting('shared_preload_libraries')`).Scan(&sum, &idle, &preload)
		if err != nil {
			t.Fatal(err)
		}
		if sum != "on" || idle != "5min" || preload != "pgaudit" {
			t.Errorf("settings = %q, %q, %q; want on, 5min, pgaudit", sum, idle, preload)
		}
	})

	t.Run("TLS connections over TCP use the generated certificate", func(t *testing.T) {
		cfg, err := pgx.ParseConfig(strings.Replace(c.URL("postgres", "postgres"),
			"sslmode=disable", "sslmode=require", 1))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Password = c.SuperuserPassword()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var ssl bool
		q := "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
		if err := conn.QueryRow(ctx, q).Scan(&ssl); err != nil || !ssl {
			t.Errorf("session ssl = %v, %v; want true", ssl, err)
		}
	})

	t.Run("a multi-statement script runs through Exec", func(t *testing.T) {
		err := c.Exec(ctx, "postgres", "CREATE ROLE a; CREATE ROLE b; DROP ROLE a; DROP ROLE b;")
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("no trust line is written anywhere", func(t *testing.T) {
		hba, err := os.ReadFile(dir + "/pg_hba.conf")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(hba), "trust") {
			t.Errorf("pg_hba.conf contains trust:\n%s", hba)
		}
	})

	t.Run("a wrong password is refused", func(t *testing.T) {
		saved := c.password
		c.password = "wrong"
		defer func() { c.password = saved }()
		if err := c.Exec(ctx, "postgres", "SELECT 1"); err == nil {
			t.Fatal("Exec with a wrong password succeeded")
		}
	})

	t.Run("Stop removes the cluster's files", func(t *testing.T) {
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("data dir still present after Stop: %v", err)
		}
	})
}

func TestStartGivesUpWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	c, err := Start(ctx, Options{})
	if err == nil {
		c.Stop()
		t.Skip("cluster started within 50ms; nothing to test")
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("Start returned after %v, want soon after the deadline", d)
	}
}

func TestStartReportsTheServerLogOnABadSetting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := Start(ctx, Options{Settings: map[string]string{"shared_buffers": "lots"}})
	if err == nil {
		c.Stop()
		t.Fatal("Start succeeded with shared_buffers = lots")
	}
	if !strings.Contains(err.Error(), "shared_buffers") {
		t.Errorf("error does not quote the server log:\n%v", err)
	}
}
