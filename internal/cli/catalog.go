package cli

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kollguard/kollguard/internal/catalog"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/config"
	"github.com/kollguard/kollguard/internal/report"
	"github.com/kollguard/kollguard/internal/scan"
)

// formatFlag adds --format text|json to fs.
func formatFlag(fs *flag.FlagSet) *string {
	return fs.String("format", "text", "output format: text or json")
}

func (e *env) textOrJSON(format string) error {
	if format != "text" && format != "json" {
		return usagef("--format %q: want text or json", format)
	}
	return nil
}

// control is one safeguard as `kollguard controls` lists it.
type control struct {
	catalog.Safeguard
	Checks []string `json:"checks"`
}

func (e *env) controls(args []string) error {
	fs := e.newFlags("controls")
	format := formatFlag(fs)
	fs.Bool("all", true, "list the whole rule (the default: the catalog is always whole)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if err := e.textOrJSON(*format); err != nil {
		return err
	}
	checks := scan.Checks()
	var list []control
	for _, sg := range catalog.All() {
		list = append(list, control{Safeguard: sg, Checks: nonNil(checks.ForSafeguard(sg.ID))})
	}
	if *format == "json" {
		return report.WriteJSON(e.stdout, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	section := ""
	for _, c := range list {
		if c.Section != section {
			if section != "" {
				fmt.Fprintln(tw)
			}
			section = c.Section
			fmt.Fprintf(tw, "%s %s\n", section, catalog.SectionTitle(section))
		}
		indent := "    "
		if c.IsStandard() {
			indent = "  "
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\n", indent, c.ID, c.Kind, c.Title,
			countOf(len(c.Checks), "check"))
	}
	return tw.Flush()
}

func (e *env) checks(args []string) error {
	fs := e.newFlags("checks")
	format := formatFlag(fs)
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	if err := e.textOrJSON(*format); err != nil {
		return err
	}
	all := scan.Checks().All()
	if *format == "json" {
		return report.WriteJSON(e.stdout, all)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, c := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.Title,
			strings.Join(c.Safeguards, " "))
	}
	return tw.Flush()
}

func (e *env) explain(args []string) error {
	fs := e.newFlags("explain")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("explain wants one check ID or safeguard citation")
	}
	checks := scan.Checks()
	if c, ok := checks.Lookup(pos[0]); ok {
		e.explainCheck(c)
		return nil
	}
	if sg, ok := catalog.Lookup(pos[0]); ok {
		e.explainSafeguard(sg, checks.ForSafeguard(sg.ID))
		return nil
	}
	return usagef("%q is neither a check ID nor a safeguard citation "+
		"(kollguard checks and kollguard controls list them)", pos[0])
}

func (e *env) explainCheck(c check.Check) {
	fmt.Fprintf(e.stdout, "%s: %s\n\ntarget kind: %s\nseverity:    %s\n", c.ID, c.Title,
		c.Kind, c.Severity)
	for _, id := range c.Safeguards {
		sg, _ := catalog.Lookup(id)
		fmt.Fprintf(e.stdout, "safeguard:   %s %s (%s)\n", sg.ID, sg.Title, sg.Kind)
	}
	fmt.Fprintf(e.stdout, "\nWhy it matters:\n  %s\n\nHow to fix:\n  %s\n", c.Rationale,
		c.Remediation)
}

func (e *env) explainSafeguard(sg catalog.Safeguard, checks []string) {
	fmt.Fprintf(e.stdout, "%s %s\n\nkind:     %s\nstandard: %s\n", sg.ID, sg.Title,
		sg.Kind, sg.Standard)
	if sg.Summary != "" {
		fmt.Fprintf(e.stdout, "\n%s\n", sg.Summary)
	}
	if sg.Kind == catalog.Addressable {
		fmt.Fprintf(e.stdout, "\nAddressable (164.306(d)(3)): implement it, or document "+
			"why not and an equivalent alternative in a decision.\n")
	}
	if len(checks) == 0 {
		fmt.Fprintf(e.stdout, "\nNo automated check covers it yet: record a decision "+
			"(kollguard decisions init).\n")
		return
	}
	fmt.Fprintf(e.stdout, "\nChecks:\n")
	for _, id := range checks {
		fmt.Fprintf(e.stdout, "  %s\n", id)
	}
}

func (e *env) decisions(args []string) error {
	if len(args) == 0 || args[0] != "init" {
		return usagef("decisions wants a subcommand: init")
	}
	fs := e.newFlags("decisions init")
	out := fs.String("o", "", "write the template to `FILE` (refuses to overwrite)")
	if _, err := parseInterleaved(fs, args[1:]); err != nil {
		return err
	}
	if *out == "" {
		return config.Template(e.stdout, time.Now())
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return usagef("decisions init: %w", err)
	}
	if err := config.Template(f, time.Now()); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s: fill in each decision, then scan with -c %s\n", *out, *out)
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
