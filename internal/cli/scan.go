package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kollguard/kollguard/internal/assess"
	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/config"
	"github.com/kollguard/kollguard/internal/redact"
	"github.com/kollguard/kollguard/internal/report"
	"github.com/kollguard/kollguard/internal/scan"
	"github.com/kollguard/kollguard/internal/terraform"
	"github.com/kollguard/kollguard/internal/tlsprobe"
)

// scanOptions are the flags of `kollguard scan`.
type scanOptions struct {
	configs  stringList
	format   string
	output   string
	failOn   string
	all      bool
	verbose  bool
	timeout  time.Duration
	profile  string
	caFile   string
	varFiles stringList
	from     stringList
	saveDir  string
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// tlsFlags adds the flags that tune TLS probes.
func tlsFlags(fs *flag.FlagSet, profile, caFile *string) {
	fs.StringVar(profile, "profile", tlsprobe.ProfileHIPAA, "TLS policy: hipaa, or pq-ready "+
		"(missing post-quantum key exchange fails)")
	fs.StringVar(caFile, "ca-file", "", "PEM `FILE` of trusted roots for certificate "+
		"checks (default: the system roots)")
}

// tlsOptions validates the TLS flags.
func tlsOptions(profile, caFile string) (tlsprobe.Options, error) {
	if profile != tlsprobe.ProfileHIPAA && profile != tlsprobe.ProfilePQReady {
		return tlsprobe.Options{}, usagef("--profile %q: want %s or %s", profile,
			tlsprobe.ProfileHIPAA, tlsprobe.ProfilePQReady)
	}
	if caFile != "" {
		if _, err := os.Stat(caFile); err != nil {
			return tlsprobe.Options{}, usagef("--ca-file: %w", err)
		}
	}
	return tlsprobe.Options{Profile: profile, CAFile: caFile}, nil
}

func (e *env) scan(ctx context.Context, args []string) (int, error) {
	var o scanOptions
	fs := e.newFlags("scan")
	fs.Var(&o.configs, "c", "config `FILE` with targets, decisions and waivers (repeatable: "+
		"kollguard.yaml and decisions.yaml are merged)")
	fs.StringVar(&o.format, "format", "text", "report format: text, json or sarif")
	fs.StringVar(&o.output, "o", "", "write the report to `FILE` instead of stdout")
	fs.StringVar(&o.failOn, "fail-on", "unverified",
		"exit 1 when a safeguard is this verdict or worse: gap, unverified or never")
	fs.BoolVar(&o.all, "all", false, "report every safeguard of the rule, not only 164.312 "+
		"and those with a check or decision")
	fs.BoolVar(&o.verbose, "v", false, "log progress to stderr")
	fs.DurationVar(&o.timeout, "timeout", 60*time.Second, "time allowed for each target")
	tlsFlags(fs, &o.profile, &o.caFile)
	fs.Var(&o.varFiles, "var-file", "Terraform variables `FILE` for directory targets "+
		"(repeatable; after terraform.tfvars and *.auto.tfvars)")
	fs.StringVar(&o.saveDir, "save-evidence", "", "save what was collected of each "+
		"server and endpoint as JSON in `DIR`, to judge again with --from")
	fs.Var(&o.from, "from", "judge saved evidence `FILE` instead of scanning (repeatable)")
	args, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitConfig, err
	}
	run, err := e.prepare(o, args)
	if err != nil {
		return ExitConfig, err
	}
	return e.execute(ctx, run)
}

// defaultConfig is read when scan is given neither targets nor -c.
const defaultConfig = "kollguard.yaml"

// scanRun is a validated scan, ready to execute.
type scanRun struct {
	opts     scanOptions
	scan     scan.Options
	failOn   assess.Verdict
	cfg      *config.Config
	targets  []scan.Target
	evidence []*scan.Evidence // from --from: judged instead of scanned
	checks   *check.Set
}

// prepare validates flags, config and targets before anything is scanned.
func (e *env) prepare(o scanOptions, args []string) (*scanRun, error) {
	run := &scanRun{opts: o, checks: scan.Checks(), cfg: &config.Config{}}
	if err := run.flags(); err != nil {
		return nil, err
	}
	if len(o.from) > 0 {
		if len(args) > 0 {
			return nil, usagef("--from judges saved evidence: give no TARGET with it")
		}
		if o.saveDir != "" {
			return nil, usagef("--from judges saved evidence: there is nothing new to " +
				"--save-evidence")
		}
		var err error
		if run.evidence, err = readEvidence(o.from); err != nil {
			return nil, err
		}
	}
	configs := o.configs
	if len(configs) == 0 && len(args) == 0 && len(o.from) == 0 {
		if _, err := os.Stat(defaultConfig); err == nil {
			configs = stringList{defaultConfig}
		} else {
			args = []string{"."}
		}
	}
	if err := e.loadConfig(run, configs); err != nil {
		return nil, err
	}
	if err := e.addTargets(run, args); err != nil {
		return nil, err
	}
	if err := checkScopes(run); err != nil {
		return nil, err
	}
	if err := checkWritable(o.output); err != nil {
		return nil, err
	}
	run.scan.ApprovedWaivers = approved(run.cfg)
	return run, nil
}

// flags validates the flags that shape the scan and sets its options.
func (run *scanRun) flags() error {
	o := run.opts
	if o.timeout <= 0 {
		return usagef("--timeout %s: want a positive duration such as 60s", o.timeout)
	}
	if !slices.Contains(report.Formats, o.format) {
		return usagef("--format %q: want text, json or sarif", o.format)
	}
	switch o.failOn {
	case "gap", "unverified":
		run.failOn = assess.Verdict(o.failOn)
	case "never":
	default:
		return usagef("--fail-on %q: want gap, unverified or never", o.failOn)
	}
	varFiles := make([]string, len(o.varFiles))
	for i, vf := range o.varFiles {
		abs, err := filepath.Abs(vf)
		if err == nil {
			_, err = os.Stat(abs)
		}
		if err != nil {
			return usagef("--var-file: %w", err)
		}
		varFiles[i] = abs
	}
	tlsOpts, err := tlsOptions(o.profile, o.caFile)
	if err != nil {
		return err
	}
	run.scan = scan.Options{Timeout: o.timeout, TLS: tlsOpts,
		Terraform: terraform.Options{VarFiles: varFiles, Env: os.Environ()}}
	return nil
}

// loadConfig reads the config files and, unless saved evidence names the
// targets, their targets.
func (e *env) loadConfig(run *scanRun, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	cfg, err := config.LoadAll(paths, run.checks)
	if err != nil {
		return usageError{err}
	}
	run.cfg = cfg
	if run.evidence != nil {
		return nil
	}
	for _, ct := range cfg.Targets {
		t, err := scan.FromConfig(ct, e.getenv)
		if err != nil {
			return usageError{err}
		}
		if ct.PasswordEnv != "" && e.getenv(ct.PasswordEnv) == "" {
			fmt.Fprintf(e.stderr, "kollguard: %s: target %s: %s is not set; trying "+
				"PGPASSWORD and pgpass\n", ct.Pos, ct.Name, ct.PasswordEnv)
		}
		run.targets = append(run.targets, t)
	}
	return nil
}

// addTargets adds the command line's targets, drops repeats, and registers
// every password so that no output can show it.
func (e *env) addTargets(run *scanRun, args []string) error {
	for _, arg := range args {
		t, err := scan.ParseTarget(arg)
		if err != nil {
			return usageError{err}
		}
		if redact.HasURLPassword(arg) {
			fmt.Fprintf(e.stderr, "kollguard: %s: a password on the command line is visible "+
				"to other users of this machine: prefer PGPASSWORD, a pgpass file or "+
				"password_env\n", t.Name)
		}
		run.targets = append(run.targets, t)
	}
	run.targets = scan.Unique(run.targets)
	for _, t := range run.targets {
		e.secrets.Add(t.Password)
		if n := len(t.Password); n > 0 && n < 8 {
			fmt.Fprintf(e.stderr, "kollguard: %s: the password is short: reports mask it "+
				"only where it stands as a word, and a short password is itself a risk\n",
				t.Name)
		}
	}
	return nil
}

// checkScopes refuses a decision scoped to a name that is neither a target
// of the config nor of this scan: a typo would make it silently apply to
// nothing.
func checkScopes(run *scanRun) error {
	known := map[string]bool{}
	for _, t := range run.cfg.Targets {
		known[t.Name] = true
	}
	for _, t := range run.targets {
		known[t.Name] = true
	}
	for _, ev := range run.evidence {
		known[ev.Target.Name] = true
	}
	for _, d := range run.cfg.Decisions {
		for _, name := range d.Scope {
			if !known[name] {
				return usagef("%s: decision for %s: scope names %q, which is no target of "+
					"the config or of this scan", d.Pos, d.Safeguard, name)
			}
		}
	}
	return nil
}

// execute scans, assesses and writes the report.
func (e *env) execute(ctx context.Context, run *scanRun) (int, error) {
	level := slog.LevelWarn
	if run.opts.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	started := time.Now()
	var res scan.Result
	if run.evidence != nil {
		res = judgeEvidence(run.evidence, run.scan)
	} else {
		res = scan.Run(ctx, run.targets, run.scan, log)
	}
	if err := e.saveEvidence(run.opts.saveDir, res.Evidence); err != nil {
		return ExitConfig, err
	}
	for _, t := range res.Targets {
		if t.Status != report.Scanned {
			log.Warn("target not scanned", "target", t.Name, "error", t.Error)
		}
	}
	a := assess.Assess(assess.Input{
		Now: started, Checks: run.checks, Findings: res.Findings,
		Decisions: run.cfg.Decisions, Waivers: run.cfg.Waivers, All: run.opts.all,
		Targets: targetNames(res.Targets),
	})
	r := report.New(report.Tool{Name: "kollguard", Version: Version}, started, time.Now(),
		res.Targets, a, run.checks, run.failOn)
	if err := e.writeReport(r, run.opts); err != nil {
		return ExitConfig, err
	}
	if !r.Summary.Passed {
		return ExitFail, nil
	}
	return ExitOK, nil
}

// writeReport renders the report to stdout or -o. With secrets to mask it
// renders the whole report first and writes it through the redacting writer
// in one piece, so that no secret can be split across writes; with none it
// streams.
func (e *env) writeReport(r *report.Report, opts scanOptions) (err error) {
	out := e.stdout
	if opts.output != "" {
		f, err := os.Create(opts.output)
		if err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("writing report: %w", cerr)
			}
		}()
		out = f
	}
	color := opts.output == "" && e.colorFor(e.stdout)
	if e.secrets.Empty() {
		return report.Write(out, r, opts.format, color)
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, r, opts.format, color); err != nil {
		return err
	}
	if _, err := redact.NewWriter(out, e.secrets).Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

func targetNames(ts []report.Target) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return names
}

// checkWritable refuses an -o that could not be written, before a scan is
// spent on it, and leaves no file behind.
func checkWritable(path string) error {
	if path == "" {
		return nil
	}
	flags := os.O_WRONLY
	if _, err := os.Stat(path); err != nil {
		flags |= os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return usagef("-o: %w", err)
	}
	f.Close()
	if flags&os.O_CREATE != 0 {
		os.Remove(path)
	}
	return nil
}
