package postgres

// Tenancy is the part of a Snapshot that row-level security, ePHI
// discovery, audit trails and encryption evidence are judged on. It is
// embedded in Snapshot, so its fields appear at the top level of the JSON.
type Tenancy struct {
	// Policies are the row-level security policies of the tables.
	Policies []Policy `json:"policies"`
	// Views are the views and materialized views outside the system
	// schemas.
	Views []View `json:"views"`
	// Functions are the functions and procedures outside the system
	// schemas, extension members included (marked).
	Functions []Function `json:"functions"`
	// Triggers are the user triggers of the tables.
	Triggers []Trigger `json:"triggers"`
	// Extensions maps installed extensions to their versions.
	Extensions map[string]string `json:"extensions"`
	// EPHI lists the tables the catalog shows to hold ePHI, and why. It is
	// derived from Tables at collection; Evaluate applies the target's
	// include and exclude lists on top.
	EPHI []EPHITable `json:"ephi"`
	// DataDirectory is the server's data_directory, when the scanning
	// role may read it.
	DataDirectory string `json:"data_directory,omitempty"`
	// Storage is what the host-side probe found about the filesystem under
	// DataDirectory; nil when the probe did not run (a remote server, or
	// the directory is not visible to the scanner).
	Storage *Storage `json:"storage,omitempty"`
}

// Policy is one row-level security policy (pg_policy).
type Policy struct {
	Schema     string `json:"schema"`
	Table      string `json:"table"`
	Name       string `json:"name"`
	Permissive bool   `json:"permissive"`
	// Command is ALL, SELECT, INSERT, UPDATE or DELETE.
	Command string `json:"command"`
	// Roles the policy applies to; "PUBLIC" for everyone.
	Roles []string `json:"roles"`
	// Using and WithCheck are the deparsed expressions; empty when absent.
	Using     string `json:"using,omitempty"`
	WithCheck string `json:"with_check,omitempty"`
}

// table returns schema.table of the policy's table.
func (p Policy) table() string { return p.Schema + "." + p.Table }

// View is one view or materialized view.
type View struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// Kind is "v" for a view, "m" for a materialized view.
	Kind  string `json:"kind"`
	Owner string `json:"owner"`
	// SecurityInvoker says the view checks privileges and policies as the
	// querying role (security_invoker, PostgreSQL 15); materialized views
	// never do.
	SecurityInvoker bool `json:"security_invoker"`
	// DependsOn are schema.name of the relations the view reads directly.
	DependsOn []string            `json:"depends_on"`
	Grants    map[string][]string `json:"grants,omitempty"`
}

// qualified returns schema.name.
func (v View) qualified() string { return v.Schema + "." + v.Name }

// Function is one function or procedure.
type Function struct {
	// Signature is the regprocedure text: schema.name(argument types).
	Signature       string `json:"signature"`
	Owner           string `json:"owner"`
	Language        string `json:"language"`
	SecurityDefiner bool   `json:"security_definer"`
	Leakproof       bool   `json:"leakproof"`
	// Config is proconfig: settings pinned for calls ("search_path=...").
	Config []string `json:"config,omitempty"`
	// Executors are the roles granted EXECUTE besides the owner; "PUBLIC"
	// for everyone.
	Executors []string `json:"executors,omitempty"`
	// Extension names the extension the function belongs to, if any.
	Extension string `json:"extension,omitempty"`
	// Reads are schema.name of the tables the function's body names. The
	// body itself is never kept.
	Reads []string `json:"reads,omitempty"`
	// Raises says the body raises an exception (RAISE EXCEPTION), as an
	// immutability trigger does.
	Raises bool `json:"raises,omitempty"`
}

// Trigger is one enabled user trigger.
type Trigger struct {
	Table    string `json:"table"` // schema.name
	Name     string `json:"name"`
	Function string `json:"function"` // regprocedure of the trigger function
	Before   bool   `json:"before"`
	Row      bool   `json:"row"`
	// Events are INSERT, UPDATE, DELETE, TRUNCATE.
	Events []string `json:"events"`
}

// EPHITable is one table treated as holding ePHI, with the evidence.
type EPHITable struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	// Reasons are table-level evidence: its name, comment or label.
	Reasons []string     `json:"reasons,omitempty"`
	Columns []EPHIColumn `json:"columns,omitempty"`
}

// qualified returns schema.name.
func (t EPHITable) qualified() string { return t.Schema + "." + t.Name }

// EPHIColumn is one column treated as ePHI.
type EPHIColumn struct {
	Name string `json:"name"`
	// Kind is the HIPAA identifier kind or clinical category: "name",
	// "date of birth", "clinical", ...
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

// Storage is the host-side evidence about the filesystem under the data
// directory.
type Storage struct {
	// Encrypted is "yes" (dm-crypt/LUKS under the filesystem), "no" (a
	// block device without dm-crypt) or "unknown".
	Encrypted string `json:"encrypted"`
	// Mount is the mount point holding the data directory, Device its
	// source and FSType its filesystem type.
	Mount  string `json:"mount,omitempty"`
	Device string `json:"device,omitempty"`
	FSType string `json:"fs_type,omitempty"`
	// Reason explains the verdict in words.
	Reason string `json:"reason"`
}
