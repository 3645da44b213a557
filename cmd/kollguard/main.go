// Package main is the kollguard command, which assesses systems that hold ePHI
// against the HIPAA Security Rule's safeguards. See internal/cli for the
// commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kollguard/kollguard/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
