package tlsprobe

import "github.com/kollguard/kollguard/internal/check"

// Kind is the target kind of every check of this package.
const Kind = "tls"

// Safeguard citations the checks are evidence for (45 CFR 164.312).
const (
	sgTransmission = "164.312(e)(1)"
	sgIntegrity    = "164.312(e)(2)(i)"
	sgEncryption   = "164.312(e)(2)(ii)"
	sgAuth         = "164.312(d)"
)

var (
	sgChannel = []string{sgTransmission, sgIntegrity, sgEncryption}
	sgCert    = []string{sgTransmission, sgIntegrity, sgAuth}
)

// entry is a check and the pure function that evaluates it.
type entry = check.Rule[func(s *Snapshot, o Options) []verdict]

// verdict is one result before it becomes a finding.
type verdict struct {
	status   check.Status
	msg      string
	evidence map[string]any
}

func def(id, title, why, fix string, sev check.Severity, sg []string,
	ev func(*Snapshot, Options) []verdict) entry {
	return entry{
		Check: check.Check{ID: id, Kind: Kind, Title: title, Rationale: why, Remediation: fix,
			Severity: sev, Safeguards: sg},
		Eval: ev,
	}
}

// Checks returns every TLS check (check.Check with Kind "tls").
func Checks() []check.Check { return check.Descriptors(table) }

var table = []entry{
	def("tls.enabled", "The endpoint offers TLS",
		"ePHI crossing a network must be encrypted (164.312(e)(2)(ii)); an endpoint that "+
			"refuses TLS carries it in plaintext.",
		"Enable TLS on the service (PostgreSQL ssl = on, SMTP STARTTLS, HTTPS) and refuse "+
			"plaintext connections.",
		check.Critical, sgChannel, evalEnabled),
	def("tls.protocol.legacy-disabled", "SSL 3.0, TLS 1.0 and TLS 1.1 are disabled",
		"NIST SP 800-52r2 section 3.1 requires TLS 1.2 or newer and forbids SSL and TLS "+
			"1.0/1.1; RFC 8996 deprecates TLS 1.0 and 1.1. Mozilla's intermediate "+
			"configuration offers TLS 1.2 and 1.3 only.",
		"Restrict the server to TLS 1.2 and TLS 1.3 (nginx ssl_protocols TLSv1.2 TLSv1.3; "+
			"PostgreSQL ssl_min_protocol_version = 'TLSv1.2').",
		check.High, sgChannel, evalLegacy),
	def("tls.protocol.tls13", "TLS 1.3 is offered",
		"NIST SP 800-52r2 section 3.1 requires support for TLS 1.3 by January 2024; TLS 1.3 "+
			"removes static RSA, CBC and renegotiation by design.",
		"Enable TLS 1.3 (OpenSSL 1.1.1 or newer; nginx ssl_protocols TLSv1.2 TLSv1.3).",
		check.Low, sgChannel, evalTLS13),
	def("tls.cipher.no-weak", "No NULL, EXPORT, anonymous, RC4, DES or 3DES suites",
		"NIST SP 800-52r2 section 3.3.1 excludes suites without encryption, with export-grade "+
			"or broken ciphers, or without server authentication; Mozilla's intermediate "+
			"configuration lists none of them.",
		"Remove these suites from the server's cipher list (OpenSSL: "+
			"'!aNULL:!eNULL:!EXPORT:!RC4:!DES:!3DES'), or use Mozilla's intermediate list.",
		check.High, sgChannel, evalWeak),
	def("tls.cipher.static-rsa", "No static RSA key exchange",
		"Suites with RSA key transport give no forward secrecy: one stolen server key "+
			"decrypts all recorded traffic. NIST SP 800-52r2 section 3.3.1.1 prefers ephemeral "+
			"(EC)DHE, and TLS 1.3 removed RSA key transport.",
		"Offer only ECDHE or DHE suites in TLS 1.2 (drop TLS_RSA_WITH_*).",
		check.Low, sgChannel, evalStaticRSA),
	def("tls.cipher.cbc-sha1", "No CBC suites with SHA-1 MAC",
		"CBC suites with HMAC-SHA1 are the source of padding-oracle attacks (Lucky13) and "+
			"are absent from Mozilla's intermediate configuration; NIST SP 800-52r2 section "+
			"3.3.1 prefers AEAD suites.",
		"Prefer AES-GCM and ChaCha20-Poly1305 suites and remove *_CBC_SHA suites.",
		check.Low, sgChannel, evalCBCSHA1),
	def("tls.cert.expired", "The certificate is within its validity period",
		"An expired certificate cannot authenticate the server (RFC 5280 section 4.1.2.5), "+
			"and clients that accept it anyway accept any impostor.",
		"Renew the certificate and automate renewal (ACME) well before expiry.",
		check.High, sgCert, evalExpired),
	def("tls.cert.hostname", "The certificate matches the host name",
		"A certificate that does not name the host lets clients be trained to ignore "+
			"mismatches (RFC 6125, NIST SP 800-52r2 section 3.5).",
		"Issue a certificate whose subjectAltName lists every name clients use.",
		check.High, sgCert, evalHostname),
	def("tls.cert.trusted", "The certificate chains to a trusted root",
		"An untrusted or self-signed chain authenticates nobody (NIST SP 800-52r2 section "+
			"3.5.1); 164.312(d) asks that the entity be who it claims to be.",
		"Use a certificate from a public or organisational CA and serve the full chain; "+
			"give KollGuard the organisation's CA file when it is private.",
		check.High, sgCert, evalTrusted),
	def("tls.cert.signature", "No MD5 or SHA-1 certificate signatures",
		"MD5 and SHA-1 signatures can be forged by collision (NIST SP 800-52r2 section "+
			"3.5.1, SP 800-131A).",
		"Reissue the certificate and intermediates with SHA-256 or stronger signatures.",
		check.High, sgCert, evalSignature),
	def("tls.cert.key-size", "The certificate key is strong enough",
		"NIST SP 800-52r2 section 3.5.1 and SP 800-131A require RSA keys of at least 2048 "+
			"bits and ECDSA keys of at least 256 bits.",
		"Reissue with an RSA 2048+ or ECDSA P-256+ key.",
		check.High, sgCert, evalKeySize),
	def("tls.kex.post-quantum", "Post-quantum key exchange is offered",
		"Recorded traffic can be decrypted once large quantum computers exist; ePHI must "+
			"stay confidential for decades. Hybrid ML-KEM groups (X25519MLKEM768, FIPS 203) "+
			"protect it now. Reported as a fact under the hipaa profile, required under "+
			"pq-ready.",
		"Enable X25519MLKEM768 (OpenSSL 3.5+, Go 1.24+, recent nginx/Caddy builds) and "+
			"prefer it.",
		check.Info, []string{sgTransmission, sgEncryption}, evalPQ),
}
