// Package main is the scan command of the Terraform benchmark: it loads a
// Terraform directory with KollGuard's evaluator, runs every Terraform check
// and prints how long each phase took: the benchmark's measure of KollGuard,
// without the rest of the CLI.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kollguard/kollguard/internal/terraform"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: scan DIR")
		return 2
	}
	start := time.Now()
	s, err := terraform.Load(ctx, args[0], terraform.Options{Env: os.Environ()})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	loaded := time.Since(start)
	fs := terraform.Evaluate(s, args[0])
	total := time.Since(start)
	count := map[string]int{}
	for _, f := range fs {
		count[string(f.Status)]++
	}
	fmt.Fprintf(stdout, "resources %d, problems %d, findings %d %v\n", len(s.Resources),
		len(s.Errors), len(fs), count)
	fmt.Fprintf(stdout, "load %v, evaluate %v, total %v\n", loaded.Round(time.Millisecond),
		(total - loaded).Round(time.Millisecond), total.Round(time.Millisecond))
	return 0
}
