package postgres

import (
	"fmt"

	"github.com/kollguard/kollguard/internal/check"
)

// settingRule is a requirement on one server setting. It holds for the
// server-wide value and for every per-role and per-database override in
// pg_db_role_setting: an override that switches the protection off fails,
// even when the server-wide value is good.
type settingRule struct {
	name string
	want string // the requirement in words: "on", "greater than 0"
	ok   func(value string) bool
	// undefined is the status when the server does not define the setting
	// at all (an extension that is not loaded) and the scanning role could
	// see every setting; the zero value means unknown.
	undefined    check.Status
	undefinedMsg string
}

// sessionSources are pg_settings sources that mask the server-wide value in
// the scanning session.
var sessionSources = map[string]bool{
	"client": true, "session": true, "user": true, "database": true, "database user": true,
}

// settingEval returns the evaluator that applies r to a snapshot.
func settingEval(r settingRule) evaluator {
	return func(c check.Check, s *Snapshot, target string, _ Options) []check.Finding {
		out := []check.Finding{r.global(c, s, target)}
		out = append(out, r.overrides(c, s, target)...)
		return out
	}
}

// global judges the server-wide value.
func (r settingRule) global(c check.Check, s *Snapshot, target string) check.Finding {
	res := "setting " + r.name
	v, ok := s.setting(r.name)
	if !ok {
		return r.missing(c, s, target)
	}
	shown := v.Value + v.Unit
	if sessionSources[v.Source] {
		return c.Resultf(target, res, check.Unknown,
			"the server-wide value of %s is hidden: the scanning session got %s from a %q "+
				"setting; scan as a role without per-role or per-database settings",
			r.name, shown, v.Source).With("source", v.Source)
	}
	f := c.Resultf(target, res, check.Pass, "%s = %s", r.name, shown)
	if !r.ok(v.Value) {
		f = c.Resultf(target, res, check.Fail, "%s = %s; want %s", r.name, shown, r.want)
	}
	return f.With("setting", r.name).With("value", shown).With("source", v.Source)
}

// missing explains a setting pg_settings did not show.
func (r settingRule) missing(c check.Check, s *Snapshot, target string) check.Finding {
	res := "setting " + r.name
	why := s.MissingSettings[r.name]
	if !s.ReadAllSettings || r.undefined == "" {
		if why == "" {
			why = "not collected"
		}
		return c.Resultf(target, res, check.Unknown, "%s could not be read: %s", r.name, why).
			With("setting", r.name)
	}
	return c.Result(target, res, r.undefined, r.undefinedMsg).With("setting", r.name)
}

// overrides returns a failing finding for every override that breaks r, and
// an unknown finding when the overrides could not be read.
func (r settingRule) overrides(c check.Check, s *Snapshot, target string) []check.Finding {
	if s.OverridesUnavailable != "" {
		return []check.Finding{c.Resultf(target, "pg_db_role_setting", check.Unknown,
			"per-role and per-database values of %s could not be read: %s",
			r.name, s.OverridesUnavailable)}
	}
	var out []check.Finding
	for _, o := range s.Overrides {
		if o.Name != r.name || r.ok(o.Value) {
			continue
		}
		f := c.Resultf(target, o.scope(), check.Fail, "%s sets %s = %s; want %s",
			o.scope(), r.name, o.Value, r.want)
		out = append(out, f.With("setting", r.name).With("value", o.Value).
			With("role", o.Role).With("database", o.Database))
	}
	return out
}

// scope names where an override applies: "role alice", "database clinic",
// "role alice in database clinic".
func (o Override) scope() string {
	switch {
	case o.Role != "" && o.Database != "":
		return fmt.Sprintf("role %s in database %s", o.Role, o.Database)
	case o.Role != "":
		return "role " + o.Role
	case o.Database != "":
		return "database " + o.Database
	}
	return "every role and database"
}

// The setting rules of the checks.
var (
	sslOn = settingRule{name: "ssl", want: "on", ok: boolOn}

	minTLS = settingRule{name: "ssl_min_protocol_version", want: "TLSv1.2 or newer",
		ok: tlsAtLeast12}

	scramEncryption = settingRule{name: "password_encryption", want: "scram-sha-256",
		ok: isSCRAM}

	idleSession = settingRule{name: "idle_session_timeout", want: "greater than 0",
		ok: positive}

	idleInTransaction = settingRule{name: "idle_in_transaction_session_timeout",
		want: "greater than 0", ok: positive}

	logConnections = settingRule{name: "log_connections", want: "on", ok: boolOn}

	logDisconnections = settingRule{name: "log_disconnections", want: "on", ok: boolOn}

	linePrefix = settingRule{name: "log_line_prefix",
		want: "user (%u), database (%d), client (%h or %r) and time (%t, %m or %n)",
		ok:   prefixIdentifies}

	pgauditLoaded = settingRule{name: "shared_preload_libraries", want: "a list with pgaudit",
		ok: preloadsPgaudit}

	pgauditClasses = settingRule{name: "pgaudit.log", want: "the read and write classes",
		ok: auditsReadWrite, undefined: check.Fail,
		undefinedMsg: "pgaudit is not loaded, so no session audit logging happens"}

	pgauditNoParameters = settingRule{name: "pgaudit.log_parameter", want: "off",
		ok:        func(v string) bool { return !boolOn(v) },
		undefined: check.Pass,
		undefinedMsg: "pgaudit is not loaded, so it copies no statement parameters " +
			"into the log"}

	dataChecksums = settingRule{name: "data_checksums", want: "on", ok: boolOn}
)

// factSettings are read for checks that are not setting rules: the data
// directory for encryption evidence, pgaudit.role for object auditing.
var factSettings = []string{"data_directory", "pgaudit.role"}

// settingNames lists every setting Collect reads.
func settingNames() []string {
	rules := []settingRule{sslOn, minTLS, scramEncryption, idleSession, idleInTransaction,
		logConnections, logDisconnections, linePrefix, pgauditLoaded, pgauditClasses,
		pgauditNoParameters, dataChecksums}
	names := make([]string, len(rules), len(rules)+len(factSettings))
	for i, r := range rules {
		names[i] = r.name
	}
	return append(names, factSettings...)
}
