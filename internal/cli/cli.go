// Package cli is the kollguard command line: it parses arguments, runs a
// command and returns the process exit code. Nothing below main calls
// os.Exit, so every command can be tested in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/kollguard/kollguard/internal/redact"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/kollguard/kollguard/internal/cli.Version=v1.2.3".
var Version = "0.1.0-dev"

// Exit codes (DESIGN.md).
const (
	ExitOK     = 0 // no safeguard reached --fail-on
	ExitFail   = 1 // some safeguard is gap or unverified (at or above --fail-on)
	ExitConfig = 2 // usage or configuration error
)

// usageError is an error in the command line or the config: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// env is what a command sees of the process: streams, environment, terminal.
// stderr masks every secret registered in secrets.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	secrets        *redact.Secrets
}

// Run runs the command line args (without the program name) and returns the
// exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	secrets := &redact.Secrets{}
	secrets.Add(os.Getenv("PGPASSWORD"))
	e := &env{stdout: stdout, stderr: redact.NewWriter(stderr, secrets), getenv: os.Getenv,
		secrets: secrets}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitConfig
	}
	code, err := e.dispatch(ctx, args[0], args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		fmt.Fprintf(e.stderr, "kollguard: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			return ExitConfig
		}
		if code == ExitOK {
			code = ExitFail
		}
	}
	return code
}

func (e *env) dispatch(ctx context.Context, cmd string, args []string) (int, error) {
	switch cmd {
	case "scan":
		return e.scan(ctx, args)
	case "demo":
		return e.demo(ctx, args)
	case "probe":
		return e.probe(ctx, args)
	case "controls":
		return ExitOK, e.controls(args)
	case "checks":
		return ExitOK, e.checks(args)
	case "explain":
		return ExitOK, e.explain(args)
	case "decisions":
		return ExitOK, e.decisions(args)
	case "version", "--version", "-version":
		fmt.Fprintf(e.stdout, "kollguard %s\n", Version)
		return ExitOK, nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(e.stdout, usage)
		return ExitOK, nil
	}
	return ExitConfig, usagef("unknown command %q (run kollguard help)", cmd)
}

const usage = `kollguard assesses systems holding ePHI against the HIPAA Security Rule.

Usage:
  kollguard scan [-c kollguard.yaml ...] [--format text|json|sarif] [-o FILE]
                 [--fail-on gap|unverified|never] [--all] [--profile hipaa|pq-ready]
                 [--ca-file FILE] [--var-file FILE ...] [--timeout 60s] [-v] [TARGET ...]
  kollguard probe [--format text|json] ENDPOINT ...
                               what a TLS endpoint offers: versions, suites,
                               groups (post-quantum too), certificate
  kollguard demo               start a throwaway PostgreSQL with a small clinic
                               schema and realistic mistakes, and scan it
  kollguard controls [--format text|json]   the safeguards of the rule
  kollguard checks [--format text|json]     every check and its safeguards
  kollguard explain ID         a check (postgres.ssl.enabled) or safeguard (164.312(b))
  kollguard decisions init [-o FILE]        a decisions template, one entry per
                                            addressable specification
  kollguard version

TARGET is a directory or file (Terraform, Kubernetes, nginx, sshd and
PostgreSQL configs; the default is the current directory, or ./kollguard.yaml
when there is one), postgres://user@host:5432/db (the password comes from
PGPASSWORD, a pgpass file or password_env in the config, and is never
printed), a TLS endpoint (tls://host:443, smtp://host:25, imap://, pop3://,
ldap://) or a web application (https://host/path).
Exit codes: 0 no safeguard at or above --fail-on, 1 some are, 2 usage or config error.
`

// parseInterleaved parses flags that may come before, between or after
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newFlags returns a flag set whose errors go to stderr, not to the process.
func (e *env) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("kollguard "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// colorFor reports whether output to w may use colour: w is a terminal and
// NO_COLOR is unset.
func (e *env) colorFor(w io.Writer) bool {
	if e.getenv("NO_COLOR") != "" || strings.EqualFold(e.getenv("TERM"), "dumb") {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
