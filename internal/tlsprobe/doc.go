// Package tlsprobe is KollGuard's TLS collector and its transmission-security
// checks. It probes one endpoint with raw ClientHellos built byte by byte
// (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2), so that it can offer
// what Go's crypto/tls cannot: SSL 3.0, every cipher suite of the IANA
// registry, chosen TLS 1.3 suites and chosen key-exchange groups, including
// the post-quantum hybrids X25519MLKEM768, SecP256r1MLKEM768 and
// SecP384r1MLKEM1024.
//
// Probe decides each protocol version by what the server answers, enumerates
// the suites of every version (offer a batch, remove the chosen suite,
// repeat), finds the server's preference order, the supported groups and
// whether the server prefers a post-quantum group, and reads the certificate
// chain with crypto/x509. STARTTLS-style endpoints (PostgreSQL SSLRequest,
// SMTP, IMAP, POP3, LDAP) are upgraded before each hello. Every connection
// has a deadline and the number of parallel connections is bounded, so a
// silent, slow or hostile server costs bounded time and yields unknown facts.
//
// Evaluate turns a Snapshot into findings of the checks listed by Checks,
// drawn from NIST SP 800-52 Rev. 2 and Mozilla's intermediate configuration,
// and mapped to 45 CFR 164.312(e) and, for certificates, 164.312(d).
//
// BUG(kollguard): SSL 2.0 is not probed: a server speaking only SSL 2.0 is
// reported as not answering in TLS (every finding unknown), not as a failure.
//
// BUG(kollguard): TLS 1.2 finite-field groups (RFC 7919) are not probed:
// groups_tls12 lists elliptic curves only, and the size of a DHE server's
// custom prime is not reported.
//
// BUG(kollguard): TLS 1.3 handshakes are not decrypted: a TLS 1.3 version
// counts as offered on the server's ServerHello, and the TLS 1.3 certificate
// and OCSP staple are read through crypto/tls, which cannot reach a server
// whose only TLS 1.3 suites are ones Go does not implement (CCM, for one).
package tlsprobe
