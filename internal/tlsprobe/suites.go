package tlsprobe

import "strings"

// suiteInfo is one row of the IANA registry: a code point and its RFC name.
type suiteInfo struct {
	code uint16
	name string
}

// Signalling cipher suite values, never chosen by a server.
const (
	scsvRenegotiation uint16 = 0x00ff // RFC 5746 section 3.3
	scsvFallback      uint16 = 0x5600 // RFC 7507 section 2
)

// maxSuitesPerHello keeps every ClientHello under 128 suites: some servers
// reject or mis-parse longer lists. Two slots stay free for the SCSVs.
const maxSuitesPerHello = 120

var suiteNames = func() map[uint16]string {
	m := make(map[uint16]string, len(suites12)+len(suites13))
	for _, s := range suites12 {
		m[s.code] = s.name
	}
	for _, s := range suites13 {
		m[s.code] = s.name
	}
	return m
}()

// suiteName returns the registry name of a suite code point, or its hex form
// when the registry does not list it.
func suiteName(code uint16) string {
	if n, ok := suiteNames[code]; ok {
		return n
	}
	return "UNKNOWN_" + hexCode(code)
}

// suiteCodes returns the code points of the registry rows for version v.
func suiteCodes(v uint16) []uint16 {
	rows := suites12
	if v == versionTLS13 {
		rows = suites13
	}
	out := make([]uint16, len(rows))
	for i, s := range rows {
		out[i] = s.code
	}
	return out
}

// Suite is one cipher suite a server accepted, keyed in JSON by its IANA code
// point ("0x1301") and its RFC name ("TLS_AES_128_GCM_SHA256").
type Suite struct {
	Code string `json:"code"`
	Name string `json:"name"`
	code uint16
}

func newSuite(code uint16) Suite {
	return Suite{Code: hexCode(code), Name: suiteName(code), code: code}
}

// suiteWeakness names why a suite is unacceptable under NIST SP 800-52r2
// section 3.3.1 and Mozilla's intermediate configuration: no confidentiality
// (NULL), export-grade keys, broken ciphers (RC4, DES, 3DES, RC2, IDEA) or no
// server authentication (anonymous key exchange). It is "" for a sound suite.
func suiteWeakness(name string) string {
	n := strings.TrimPrefix(name, "TLS_")
	switch {
	case strings.Contains(n, "_anon_"):
		return "anonymous"
	case strings.Contains(n, "EXPORT"):
		return "export"
	case strings.Contains(n, "_NULL_") || n == "SHA256_SHA256" || n == "SHA384_SHA384":
		return "null"
	case strings.Contains(n, "RC4"):
		return "rc4"
	case strings.Contains(n, "3DES") || strings.Contains(n, "28147"):
		return "3des"
	case strings.Contains(n, "_DES_") || strings.Contains(n, "DES40"):
		return "des"
	case strings.Contains(n, "RC2") || strings.Contains(n, "IDEA"):
		return "obsolete-cipher"
	}
	return ""
}

// staticRSA reports whether a suite uses RSA key transport, which has no
// forward secrecy (NIST SP 800-52r2 section 3.3.1.1 prefers ephemeral keys).
func staticRSA(name string) bool {
	return strings.HasPrefix(name, "TLS_RSA_WITH_") || strings.HasPrefix(name, "TLS_RSA_PSK_")
}

// cbcSHA1 reports whether a suite is a CBC-mode suite with an HMAC-SHA1 MAC,
// which Mozilla's intermediate configuration no longer lists.
func cbcSHA1(name string) bool {
	return strings.Contains(name, "_CBC_") && strings.HasSuffix(name, "_SHA")
}

// forTLS12Only reports whether a suite exists only from TLS 1.2 on (AEAD or
// SHA-2 MAC suites, RFC 5246 appendix A.5); a server choosing one under an
// older version breaks the protocol.
func forTLS12Only(name string) bool {
	return strings.HasSuffix(name, "_SHA256") || strings.HasSuffix(name, "_SHA384") ||
		strings.Contains(name, "_GCM") || strings.Contains(name, "_CCM") ||
		strings.Contains(name, "CHACHA20")
}

// SuiteByName returns the registry's suite of an RFC name such as
// "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", for tools that report suites by
// name only. nmap's TLS 1.3 names ("TLS_AKE_WITH_AES_128_GCM_SHA256") are
// accepted too.
func SuiteByName(name string) (Suite, bool) {
	name = strings.Replace(name, "TLS_AKE_WITH_", "TLS_", 1)
	for code, n := range suiteNames {
		if n == name {
			return newSuite(code), true
		}
	}
	return Suite{}, false
}
