package tlsprobe

import "fmt"

// Protocol version code points (RFC 8446 section 4.2.1, RFC 6101 section 5.2).
const (
	versionSSL30 uint16 = 0x0300
	versionTLS10 uint16 = 0x0301
	versionTLS11 uint16 = 0x0302
	versionTLS12 uint16 = 0x0303
	versionTLS13 uint16 = 0x0304
)

// probedVersions lists the versions Probe tries, newest first.
var probedVersions = []uint16{versionTLS13, versionTLS12, versionTLS11, versionTLS10, versionSSL30}

// versionName returns the name sslscan and testssl.sh use for v.
func versionName(v uint16) string {
	switch v {
	case versionSSL30:
		return "SSLv3"
	case versionTLS10:
		return "TLSv1.0"
	case versionTLS11:
		return "TLSv1.1"
	case versionTLS12:
		return "TLSv1.2"
	case versionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// legacyVersion reports whether v is older than TLS 1.2, which NIST SP
// 800-52r2 section 3.1 forbids for government servers.
func legacyVersion(v uint16) bool { return v < versionTLS12 }

// hexCode formats a 16-bit code point the way the JSON snapshot keys it.
func hexCode(c uint16) string { return fmt.Sprintf("0x%04x", c) }

// VersionStatus is what the probe learned about one protocol version.
type VersionStatus string

// The states of a protocol version.
const (
	// Offered: the server answered a hello for exactly this version.
	Offered VersionStatus = "offered"
	// NotOffered: the server refused the version with an alert, a close or a
	// lower version.
	NotOffered VersionStatus = "not-offered"
	// VersionUnknown: the probe could not tell (timeout, reset, garbage).
	VersionUnknown VersionStatus = "unknown"
)

// Version is one protocol version in a Snapshot.
type Version struct {
	Name   string        `json:"name"` // "TLSv1.2"
	Code   string        `json:"code"` // "0x0303"
	Status VersionStatus `json:"status"`
	// Detail says why the status is not-offered or unknown.
	Detail string `json:"detail,omitempty"`
	code   uint16
}
