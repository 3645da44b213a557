package tlsprobe

import (
	"strconv"
	"time"
)

// Snapshot is what one probe learned about one endpoint. It is the
// collector's output of DESIGN.md: JSON-serialisable, re-evaluable with
// Evaluate, and its JSON keys are stable (a change of meaning bumps the
// report's schema_version):
//
//   - endpoint: scheme, host, port, server_name
//   - sni: the name sent as SNI ("" when none was sent)
//   - tls: true when the endpoint spoke TLS; false only when it said no
//     (PostgreSQL's 'N', an SMTP server without STARTTLS); absent when unknown
//   - versions: every probed version, newest first, as {name, code, status}
//   - suites: per version name ("TLSv1.2"), the accepted suites as
//     {code: "0xc02f", name: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, in
//     the server's preference order when server_preference says so
//   - server_preference: per version name, whether the server imposes
//     its own suite order
//   - groups: TLS 1.3 key-exchange groups as {code, name, pq}, in the
//     server's preference order when it has one; groups_tls12 likewise for
//     TLS 1.2 ECDHE and finite-field groups
//   - preferred_group: the group chosen when the client offers every
//     supported group, classical first, with a key share for each
//   - pq_supported, pq_preferred: post-quantum key exchange offered, and
//     chosen even when a client lists classical groups first
//   - certificate: the leaf's facts and the chain (see Certificate)
//   - facts: secure_renegotiation, extended_master_secret, ocsp_stapled,
//     fallback_scsv, client_cert_requested, client_cert_required; absent
//     when the probe could not tell
//   - errors: what the probe could not determine, and why
//   - connections, duration_ms: the probe's cost
type Snapshot struct {
	Endpoint         Endpoint           `json:"endpoint"`
	SNI              string             `json:"sni"`
	TLS              *bool              `json:"tls,omitempty"`
	Versions         []Version          `json:"versions"`
	Suites           map[string][]Suite `json:"suites"`
	ServerPreference map[string]bool    `json:"server_preference"`
	Groups           []Group            `json:"groups"`
	GroupsTLS12      []Group            `json:"groups_tls12"`
	PreferredGroup   *Group             `json:"preferred_group,omitempty"`
	PQSupported      bool               `json:"pq_supported"`
	PQPreferred      bool               `json:"pq_preferred"`
	Certificate      *Certificate       `json:"certificate,omitempty"`
	Facts            Facts              `json:"facts"`
	Errors           []string           `json:"errors,omitempty"`
	StartedAt        time.Time          `json:"started_at"`
	DurationMS       int64              `json:"duration_ms"`
	Connections      int64              `json:"connections"`
}

// Facts are yes/no properties of the endpoint; nil means not determined.
type Facts struct {
	// SecureRenegotiation: the server echoed renegotiation_info (RFC 5746).
	SecureRenegotiation *bool `json:"secure_renegotiation,omitempty"`
	// ExtendedMasterSecret: the server echoed extended_master_secret
	// (RFC 7627).
	ExtendedMasterSecret *bool `json:"extended_master_secret,omitempty"`
	// OCSPStapled: the server stapled an OCSP response (RFC 6066 section 8).
	OCSPStapled *bool `json:"ocsp_stapled,omitempty"`
	// FallbackSCSV: the server refused a downgraded hello carrying
	// TLS_FALLBACK_SCSV (RFC 7507); absent when only one version is offered.
	FallbackSCSV *bool `json:"fallback_scsv,omitempty"`
	// ClientCertRequested: the server asked for a client certificate.
	ClientCertRequested *bool `json:"client_cert_requested,omitempty"`
	// ClientCertRequired: the server ended a handshake that sent none.
	ClientCertRequired *bool `json:"client_cert_required,omitempty"`
}

// offered returns the offered versions, newest first.
func (s *Snapshot) offered() []uint16 {
	var out []uint16
	for _, v := range s.Versions {
		if v.Status == Offered {
			out = append(out, parseCode(v.Code))
		}
	}
	return out
}

// version returns the status of version v.
func (s *Snapshot) version(v uint16) VersionStatus {
	for _, x := range s.Versions {
		if x.Code == hexCode(v) {
			return x.Status
		}
	}
	return VersionUnknown
}

func boolp(b bool) *bool { return &b }

// parseCode reads a "0x1301" code point back; 0 when malformed.
func parseCode(s string) uint16 {
	n, err := strconv.ParseUint(s, 0, 16)
	if err != nil {
		return 0
	}
	return uint16(n)
}
