// Package postgres scans a live PostgreSQL server for the HIPAA technical
// safeguards of 45 CFR 164.312: Collect reads settings, per-role and
// per-database overrides, pg_hba rules, roles and the table inventory into a
// Snapshot over one read-only session, and Evaluate runs the pure checks of
// Checks on it.
//
// Beyond settings, Collect reads what tenant isolation is judged on
// (policies, views, functions, grants, triggers), finds the tables that hold
// ePHI from names, comments and security labels, and, for a server on the
// same host, looks at the storage under its data directory. Evaluate then
// follows the leak paths around row-level security (role -> object ->
// table) for the roles the application connects as.
//
// Collect never reads rows of application tables and never lets a password
// hash into the process: whether a role holds an MD5 hash is computed by the
// server. What the scanning role may not see is recorded in the snapshot and
// turns the checks that need it into `unknown` findings naming the privilege.
package postgres

import "time"

// SchemaVersion is the version of the Snapshot JSON layout.
const SchemaVersion = 2

// Snapshot is everything Collect saw of one server. It is JSON-serialisable
// so that a saved snapshot can be evaluated again later.
type Snapshot struct {
	SchemaVersion int       `json:"schema_version"`
	CollectedAt   time.Time `json:"collected_at"`
	ServerVersion string    `json:"server_version"`
	Database      string    `json:"database"`
	User          string    `json:"user"`      // the scanning role
	Superuser     bool      `json:"superuser"` // whether the scanning role is one
	// ReadAllSettings says whether the scanning role sees settings marked
	// superuser-only (superuser or pg_read_all_settings).
	ReadAllSettings bool `json:"read_all_settings"`

	// Settings holds the requested settings that pg_settings showed.
	Settings map[string]Setting `json:"settings"`
	// MissingSettings names requested settings pg_settings did not show,
	// with the reason.
	MissingSettings map[string]string `json:"missing_settings,omitempty"`
	// Overrides are the per-role and per-database settings of
	// pg_db_role_setting (ALTER ROLE/DATABASE ... SET).
	Overrides []Override `json:"overrides"`
	// OverridesUnavailable says why Overrides could not be read; empty when
	// they were.
	OverridesUnavailable string `json:"overrides_unavailable,omitempty"`

	// HBA is pg_hba_file_rules in file order.
	HBA []HBARule `json:"hba"`
	// HBAUnavailable says why HBA could not be read and which privilege
	// would allow it; empty when it was read.
	HBAUnavailable string `json:"hba_unavailable,omitempty"`

	Roles []Role `json:"roles"`
	// MD5Roles names the roles whose stored password is an MD5 hash.
	MD5Roles []string `json:"md5_roles"`
	// MD5Unavailable says why MD5Roles could not be determined.
	MD5Unavailable string `json:"md5_unavailable,omitempty"`

	// Tables is the inventory of ordinary and partitioned tables outside
	// the system schemas, with column names (never rows).
	Tables []Table `json:"tables"`

	// Tenancy holds what row-level security, ePHI discovery, audit trails
	// and encryption evidence are judged on (schema version 2).
	Tenancy
}

// Setting is one row of pg_settings as the scanning session saw it.
type Setting struct {
	Value string `json:"value"` // pg_settings.setting
	Unit  string `json:"unit,omitempty"`
	// Source is pg_settings.source: "default", "configuration file",
	// "user", "database", "database user", "client", ...
	Source string `json:"source"`
}

// Override is one setting of pg_db_role_setting. An empty Role means every
// role; an empty Database means every database.
type Override struct {
	Role     string `json:"role,omitempty"`
	Database string `json:"database,omitempty"`
	Name     string `json:"name"`
	Value    string `json:"value"`
}

// Role is one row of pg_roles.
type Role struct {
	OID       uint32 `json:"oid"`
	Name      string `json:"name"`
	Superuser bool   `json:"superuser"`
	Login     bool   `json:"login"`
	BypassRLS bool   `json:"bypass_rls"`
	// Inherit says whether the role uses the privileges of the roles it
	// is a member of without SET ROLE.
	Inherit    bool       `json:"inherit"`
	ValidUntil *time.Time `json:"valid_until,omitempty"`
	// MemberOf lists the roles this role is a direct member of.
	MemberOf []string `json:"member_of,omitempty"`
}

// Table is one table of the inventory.
type Table struct {
	Schema   string   `json:"schema"`
	Name     string   `json:"name"`
	RLS      bool     `json:"rls"`
	ForceRLS bool     `json:"force_rls"`
	Columns  []string `json:"columns"`
	// Types are the columns' types (format_type), in Columns order.
	Types []string `json:"types,omitempty"`
	// Kind is pg_class.relkind: "r" ordinary, "p" partitioned.
	Kind  string `json:"kind,omitempty"`
	Owner string `json:"owner,omitempty"`
	// Parent is schema.name of the partitioned table this one is a
	// partition of; empty for others.
	Parent string `json:"parent,omitempty"`
	// Grants are the privileges granted to others than the owner, by
	// grantee ("PUBLIC" for everyone): SELECT, INSERT, UPDATE, DELETE,
	// TRUNCATE, REFERENCES, TRIGGER.
	Grants map[string][]string `json:"grants,omitempty"`
	// Comment is the table's comment; ColumnComments the columns'.
	Comment        string            `json:"comment,omitempty"`
	ColumnComments map[string]string `json:"column_comments,omitempty"`
	// Labels are security labels "provider: label" by column ("" for the
	// table itself).
	Labels map[string][]string `json:"labels,omitempty"`
}

// qualified returns schema.name.
func (t Table) qualified() string { return t.Schema + "." + t.Name }

// bootstrapOID is the OID of the bootstrap superuser created by initdb.
const bootstrapOID = 10

// setting returns the named setting and whether pg_settings showed it.
func (s *Snapshot) setting(name string) (Setting, bool) {
	v, ok := s.Settings[name]
	return v, ok
}

// role returns the named role.
func (s *Snapshot) role(name string) (Role, bool) {
	for _, r := range s.Roles {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}

// canLogin reports whether r can log in at the time of collection: LOGIN
// and no VALID UNTIL in the past.
func (s *Snapshot) canLogin(r Role) bool {
	return r.Login && (r.ValidUntil == nil || r.ValidUntil.After(s.CollectedAt))
}
