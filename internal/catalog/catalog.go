// Package catalog holds the HIPAA Security Rule (45 CFR Part 164, Subpart C)
// as data: every standard and implementation specification of 164.308,
// 164.310, 164.312, 164.314 and 164.316 with its citation, title, parent
// standard and whether it is required or addressable.
//
// The technical safeguards of 164.312 also carry a short summary of what an
// engineer would show to satisfy them.
package catalog

// Kind says whether a safeguard is required or addressable (164.306(d)).
type Kind string

// The two kinds of implementation specification.
const (
	Required    Kind = "required"
	Addressable Kind = "addressable"
)

// Safeguard is one standard or implementation specification.
type Safeguard struct {
	ID       string `json:"id"`       // citation, such as "164.312(a)(2)(iii)"
	Title    string `json:"title"`    // the regulation's own heading
	Standard string `json:"standard"` // citation of the parent standard; its own ID for a standard
	Section  string `json:"section"`  // "164.312"
	Kind     Kind   `json:"kind"`
	Summary  string `json:"summary,omitempty"`
}

// IsStandard reports whether s is a standard rather than one of its
// implementation specifications.
func (s Safeguard) IsStandard() bool { return s.Standard == s.ID }

// Technical reports whether s is one of the technical safeguards of 164.312,
// which every report shows.
func (s Safeguard) Technical() bool { return s.Section == "164.312" }

// All returns every safeguard in the order of the regulation.
func All() []Safeguard {
	out := make([]Safeguard, len(rule))
	copy(out, rule)
	return out
}

// Lookup returns the safeguard with the given citation.
func Lookup(id string) (Safeguard, bool) {
	i, ok := index[id]
	if !ok {
		return Safeguard{}, false
	}
	return rule[i], true
}

// SectionTitle returns the heading of a section such as "164.312".
func SectionTitle(section string) string { return sections[section] }

var sections = map[string]string{
	"164.308": "Administrative safeguards",
	"164.310": "Physical safeguards",
	"164.312": "Technical safeguards",
	"164.314": "Organizational requirements",
	"164.316": "Policies and procedures and documentation requirements",
}

var index = func() map[string]int {
	m := make(map[string]int, len(rule))
	for i, s := range rule {
		m[s.ID] = i
	}
	return m
}()

// std and spec build the table below: a standard is its own parent.
func std(id, title string, kind Kind, summary string) Safeguard {
	return spec(id, id, title, kind, summary)
}

func spec(id, parent, title string, kind Kind, summary string) Safeguard {
	return Safeguard{ID: id, Title: title, Standard: parent, Section: id[:7], Kind: kind,
		Summary: summary}
}

const (
	r = Required
	a = Addressable
)

var rule = []Safeguard{
	std("164.308(a)(1)(i)", "Security management process", r, ""),
	spec("164.308(a)(1)(ii)(A)", "164.308(a)(1)(i)", "Risk analysis", r, ""),
	spec("164.308(a)(1)(ii)(B)", "164.308(a)(1)(i)", "Risk management", r, ""),
	spec("164.308(a)(1)(ii)(C)", "164.308(a)(1)(i)", "Sanction policy", r, ""),
	spec("164.308(a)(1)(ii)(D)", "164.308(a)(1)(i)", "Information system activity review", r, ""),
	std("164.308(a)(2)", "Assigned security responsibility", r, ""),
	std("164.308(a)(3)(i)", "Workforce security", r, ""),
	spec("164.308(a)(3)(ii)(A)", "164.308(a)(3)(i)", "Authorization and/or supervision", a, ""),
	spec("164.308(a)(3)(ii)(B)", "164.308(a)(3)(i)", "Workforce clearance procedure", a, ""),
	spec("164.308(a)(3)(ii)(C)", "164.308(a)(3)(i)", "Termination procedures", a, ""),
	std("164.308(a)(4)(i)", "Information access management", r, ""),
	spec("164.308(a)(4)(ii)(A)", "164.308(a)(4)(i)",
		"Isolating health care clearinghouse functions", r, ""),
	spec("164.308(a)(4)(ii)(B)", "164.308(a)(4)(i)", "Access authorization", a, ""),
	spec("164.308(a)(4)(ii)(C)", "164.308(a)(4)(i)",
		"Access establishment and modification", a, ""),
	std("164.308(a)(5)(i)", "Security awareness and training", r, ""),
	spec("164.308(a)(5)(ii)(A)", "164.308(a)(5)(i)", "Security reminders", a, ""),
	spec("164.308(a)(5)(ii)(B)", "164.308(a)(5)(i)", "Protection from malicious software", a, ""),
	spec("164.308(a)(5)(ii)(C)", "164.308(a)(5)(i)", "Log-in monitoring", a, ""),
	spec("164.308(a)(5)(ii)(D)", "164.308(a)(5)(i)", "Password management", a, ""),
	std("164.308(a)(6)(i)", "Security incident procedures", r, ""),
	spec("164.308(a)(6)(ii)", "164.308(a)(6)(i)", "Response and reporting", r, ""),
	std("164.308(a)(7)(i)", "Contingency plan", r, ""),
	spec("164.308(a)(7)(ii)(A)", "164.308(a)(7)(i)", "Data backup plan", r, ""),
	spec("164.308(a)(7)(ii)(B)", "164.308(a)(7)(i)", "Disaster recovery plan", r, ""),
	spec("164.308(a)(7)(ii)(C)", "164.308(a)(7)(i)", "Emergency mode operation plan", r, ""),
	spec("164.308(a)(7)(ii)(D)", "164.308(a)(7)(i)", "Testing and revision procedures", a, ""),
	spec("164.308(a)(7)(ii)(E)", "164.308(a)(7)(i)",
		"Applications and data criticality analysis", a, ""),
	std("164.308(a)(8)", "Evaluation", r, ""),
	std("164.308(b)(1)", "Business associate contracts and other arrangements", r, ""),
	spec("164.308(b)(3)", "164.308(b)(1)", "Written contract or other arrangement", r, ""),

	std("164.310(a)(1)", "Facility access controls", r, ""),
	spec("164.310(a)(2)(i)", "164.310(a)(1)", "Contingency operations", a, ""),
	spec("164.310(a)(2)(ii)", "164.310(a)(1)", "Facility security plan", a, ""),
	spec("164.310(a)(2)(iii)", "164.310(a)(1)", "Access control and validation procedures", a, ""),
	spec("164.310(a)(2)(iv)", "164.310(a)(1)", "Maintenance records", a, ""),
	std("164.310(b)", "Workstation use", r, ""),
	std("164.310(c)", "Workstation security", r, ""),
	std("164.310(d)(1)", "Device and media controls", r, ""),
	spec("164.310(d)(2)(i)", "164.310(d)(1)", "Disposal", r, ""),
	spec("164.310(d)(2)(ii)", "164.310(d)(1)", "Media re-use", r, ""),
	spec("164.310(d)(2)(iii)", "164.310(d)(1)", "Accountability", a, ""),
	spec("164.310(d)(2)(iv)", "164.310(d)(1)", "Data backup and storage", a, ""),

	std("164.312(a)(1)", "Access control", r,
		"Only authorized people and software reach ePHI: least-privilege roles, "+
			"no paths around row-level security, no superuser reachable from the network."),
	spec("164.312(a)(2)(i)", "164.312(a)(1)", "Unique user identification", r,
		"Every person logs in as their own role: no shared or generic logins, no "+
			"individuals working as superuser."),
	spec("164.312(a)(2)(ii)", "164.312(a)(1)", "Emergency access procedure", r,
		"A declared break-glass role exists, cannot log in during normal operation, "+
			"and every use of it is logged."),
	spec("164.312(a)(2)(iii)", "164.312(a)(1)", "Automatic logoff", a,
		"Idle sessions end on their own: database idle and idle-in-transaction "+
			"timeouts, short web session lifetimes."),
	spec("164.312(a)(2)(iv)", "164.312(a)(1)", "Encryption and decryption", a,
		"ePHI at rest is encrypted: encrypted volumes or managed-database "+
			"encryption with keys held in a KMS, or column encryption."),
	std("164.312(b)", "Audit controls", r,
		"Activity on systems holding ePHI is recorded: connections and "+
			"disconnections with who, where and when, and pgaudit read and write logging."),
	std("164.312(c)(1)", "Integrity", r,
		"ePHI cannot be altered or destroyed unnoticed: data checksums, "+
			"append-only audit trails, backups."),
	spec("164.312(c)(2)", "164.312(c)(1)",
		"Mechanism to authenticate electronic protected health information", a,
		"A mechanism detects improper change to ePHI: page checksums, hash chains, "+
			"signed or validated logs."),
	std("164.312(d)", "Person or entity authentication", r,
		"Whoever connects proves who they are: no trust or plaintext password "+
			"methods, SCRAM-SHA-256 password hashes, client certificates or MFA where possible."),
	std("164.312(e)(1)", "Transmission security", r,
		"ePHI crossing a network is protected: TLS required for every remote "+
			"connection."),
	spec("164.312(e)(2)(i)", "164.312(e)(1)", "Integrity controls", a,
		"Data in transit cannot be modified unnoticed: TLS 1.2 or newer with "+
			"authenticated cipher suites."),
	spec("164.312(e)(2)(ii)", "164.312(e)(1)", "Encryption", a,
		"Data in transit is encrypted: TLS enabled and enforced, no plaintext "+
			"fallback, legacy protocols off."),

	std("164.314(a)(1)", "Business associate contracts or other arrangements", r, ""),
	spec("164.314(a)(2)(i)", "164.314(a)(1)", "Business associate contracts", r, ""),
	spec("164.314(a)(2)(ii)", "164.314(a)(1)", "Other arrangements", r, ""),
	spec("164.314(a)(2)(iii)", "164.314(a)(1)",
		"Business associate contracts with subcontractors", r, ""),
	std("164.314(b)(1)", "Requirements for group health plans", r, ""),
	spec("164.314(b)(2)", "164.314(b)(1)",
		"Implementation specifications (group health plans)", r, ""),

	std("164.316(a)", "Policies and procedures", r, ""),
	std("164.316(b)(1)", "Documentation", r, ""),
	spec("164.316(b)(2)(i)", "164.316(b)(1)", "Time limit", r, ""),
	spec("164.316(b)(2)(ii)", "164.316(b)(1)", "Availability", r, ""),
	spec("164.316(b)(2)(iii)", "164.316(b)(1)", "Updates", r, ""),
}
