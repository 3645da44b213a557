package tlsprobe

import (
	"crypto/rand"
	"net/netip"

	"golang.org/x/crypto/cryptobyte"
)

// Extension code points (RFC 8446 section 4.2, RFC 6066, RFC 7627, RFC 5746,
// RFC 7685).
const (
	extServerName          uint16 = 0
	extStatusRequest       uint16 = 5
	extSupportedGroups     uint16 = 10
	extECPointFormats      uint16 = 11
	extSignatureAlgorithms uint16 = 13
	extPadding             uint16 = 21
	extExtendedMaster      uint16 = 23
	extSupportedVersions   uint16 = 43
	extPSKModes            uint16 = 45
	extKeyShare            uint16 = 51
	extRenegotiationInfo   uint16 = 0xff01
)

// Record content and handshake message types (RFC 8446 sections 5.1, 4).
const (
	recordChangeCipherSpec uint8 = 20
	recordAlert            uint8 = 21
	recordHandshake        uint8 = 22
	recordApplicationData  uint8 = 23

	msgClientHello       uint8 = 1
	msgServerHello       uint8 = 2
	msgCertificate       uint8 = 11
	msgServerKeyExchange uint8 = 12
	msgCertificateReq    uint8 = 13
	msgServerHelloDone   uint8 = 14
	msgCertificateStatus uint8 = 22
)

// signatureSchemes is every scheme a server might need to sign with, old
// ones included so that a SHA-1-only server still answers (RFC 8446 section
// 4.2.3, RFC 5246 section 7.4.1.4.1).
var signatureSchemes = []uint16{
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
	0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x081a, 0x081b, 0x081c,
	0x0303, 0x0301, 0x0302, 0x0402, 0x0203, 0x0201, 0x0202,
}

// classicGroups are offered in TLS 1.2 and older hellos, for ECDHE and
// RFC 7919 DHE suites (0x001a-0x001c are the TLS 1.2 brainpool curves).
var classicGroups = []uint16{
	groupX25519, groupP256, groupP384, groupP521, groupX448, 0x001a, 0x001b, 0x001c,
	groupFFDHE2048, groupFFDHE3072, groupFFDHE4096, groupFFDHE6144, groupFFDHE8192,
}

// helloSpec says what one ClientHello offers.
type helloSpec struct {
	version    uint16   // the one version offered
	suites     []uint16 // at most maxSuitesPerHello
	groups     []uint16 // supported_groups; classicGroups when empty
	shares     []uint16 // TLS 1.3 key_share entries, in order
	serverName string   // SNI; empty or an IP literal sends none
	fallback   bool     // add TLS_FALLBACK_SCSV (RFC 7507)
}

// sniName returns the name to send as SNI: never an IP address (RFC 6066
// section 3 forbids literal addresses), never a name with a trailing dot.
func sniName(name string) string {
	if name == "" {
		return ""
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return ""
	}
	if name[len(name)-1] == '.' {
		name = name[:len(name)-1]
	}
	return name
}

// buildClientHello returns one TLS record holding the ClientHello of s.
func buildClientHello(s helloSpec) []byte {
	body := helloBody(s)
	msg := cryptobyte.NewBuilder(nil)
	msg.AddUint8(msgClientHello)
	msg.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(body) })
	hs := msg.BytesOrPanic()

	rec := cryptobyte.NewBuilder(nil)
	rec.AddUint8(recordHandshake)
	rec.AddUint16(recordVersion(s.version))
	rec.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(hs) })
	return rec.BytesOrPanic()
}

// recordVersion is the record-layer version of the first flight: 0x0301
// for every TLS version, as RFC 8446 section 5.1 advises for compatibility.
func recordVersion(v uint16) uint16 {
	if v == versionSSL30 {
		return versionSSL30
	}
	return versionTLS10
}

func helloBody(s helloSpec) []byte {
	b := cryptobyte.NewBuilder(nil)
	legacy := s.version
	if legacy > versionTLS12 {
		legacy = versionTLS12
	}
	b.AddUint16(legacy)
	b.AddBytes(randomBytes(32))
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
		if s.version == versionTLS13 {
			b.AddBytes(randomBytes(32)) // middlebox compatibility, RFC 8446 D.4
		}
	})
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, c := range s.suites {
			b.AddUint16(c)
		}
		if s.version == versionSSL30 {
			b.AddUint16(scsvRenegotiation)
		}
		if s.fallback {
			b.AddUint16(scsvFallback)
		}
	})
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
	if s.version != versionSSL30 {
		exts := extensions(s)
		// Pad per RFC 7685 so the handshake message is never 256-511
		// bytes long: 4 bytes of header plus 2 of extensions length.
		n := 4 + len(b.BytesOrPanic()) + 2 + len(exts)
		exts = append(exts, padding(n)...)
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(exts) })
	}
	return b.BytesOrPanic()
}

// padding returns a padding extension that lifts a hello of n bytes out of
// the 256-511 range some servers mishandle, or nothing when n is outside it.
func padding(n int) []byte {
	if n < 256 || n >= 512 {
		return nil
	}
	size := 512 - n - 4
	if size < 0 {
		size = 0
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddUint16(extPadding)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, size)) })
	return b.BytesOrPanic()
}

func extensions(s helloSpec) []byte {
	b := cryptobyte.NewBuilder(nil)
	if name := sniName(s.serverName); name != "" {
		addExt(b, extServerName, func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				b.AddUint8(0) // host_name
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(name)) })
			})
		})
	}
	addExt(b, extStatusRequest, func(b *cryptobyte.Builder) {
		b.AddUint8(1) // ocsp
		b.AddUint16(0)
		b.AddUint16(0)
	})
	groups := s.groups
	if len(groups) == 0 {
		groups = classicGroups
	}
	addExt(b, extSupportedGroups, func(b *cryptobyte.Builder) { addUint16List(b, groups) })
	addExt(b, extECPointFormats, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) })
	})
	if s.version >= versionTLS12 {
		addExt(b, extSignatureAlgorithms, func(b *cryptobyte.Builder) {
			addUint16List(b, signatureSchemes)
		})
	}
	if s.version < versionTLS13 {
		addExt(b, extExtendedMaster, func(*cryptobyte.Builder) {})
	} else {
		tls13Extensions(b, s)
	}
	addExt(b, extRenegotiationInfo, func(b *cryptobyte.Builder) { b.AddUint8(0) })
	return b.BytesOrPanic()
}

// tls13Extensions adds supported_versions, psk_key_exchange_modes and
// key_share (RFC 8446 sections 4.2.1, 4.2.9, 4.2.8).
func tls13Extensions(b *cryptobyte.Builder, s helloSpec) {
	addExt(b, extSupportedVersions, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint16(versionTLS13) })
	})
	addExt(b, extPSKModes, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(1) })
	})
	addExt(b, extKeyShare, func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, g := range s.shares {
				share := keyShare(g)
				if share == nil {
					continue
				}
				b.AddUint16(g)
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(share) })
			}
		})
	})
}

func addExt(b *cryptobyte.Builder, typ uint16, body func(*cryptobyte.Builder)) {
	b.AddUint16(typ)
	b.AddUint16LengthPrefixed(body)
}

func addUint16List(b *cryptobyte.Builder, list []uint16) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, v := range list {
			b.AddUint16(v)
		}
	})
}

func randomBytes(n int) []byte {
	out := make([]byte, n)
	_, _ = rand.Read(out) // crypto/rand.Read never fails (Go 1.24+)
	return out
}
