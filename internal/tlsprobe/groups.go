package tlsprobe

import (
	"crypto/ecdh"
	"crypto/mlkem"
	"crypto/rand"
	"sync"
)

// Named group code points (RFC 8446 section 4.2.7, RFC 7919, RFC 8734,
// draft-ietf-tls-ecdhe-mlkem, draft-connolly-tls-mlkem-key-agreement).
const (
	groupP256        uint16 = 0x0017
	groupP384        uint16 = 0x0018
	groupP521        uint16 = 0x0019
	groupX25519      uint16 = 0x001d
	groupX448        uint16 = 0x001e
	groupFFDHE2048   uint16 = 0x0100
	groupFFDHE3072   uint16 = 0x0101
	groupFFDHE4096   uint16 = 0x0102
	groupFFDHE6144   uint16 = 0x0103
	groupFFDHE8192   uint16 = 0x0104
	groupMLKEM512    uint16 = 0x0200
	groupMLKEM768    uint16 = 0x0201
	groupMLKEM1024   uint16 = 0x0202
	groupP256MLKEM   uint16 = 0x11eb
	groupX25519MLKEM uint16 = 0x11ec
	groupP384MLKEM   uint16 = 0x11ed
)

// groupInfo is one named group the prober knows.
type groupInfo struct {
	code uint16
	name string
	pq   bool // resists a quantum adversary: ML-KEM alone or in a hybrid
}

// knownGroups lists the groups Probe tries, classical first.
var knownGroups = []groupInfo{
	{groupX25519, "x25519", false},
	{groupP256, "secp256r1", false},
	{groupP384, "secp384r1", false},
	{groupP521, "secp521r1", false},
	{groupX448, "x448", false},
	{0x001f, "brainpoolP256r1tls13", false},
	{0x0020, "brainpoolP384r1tls13", false},
	{0x0021, "brainpoolP512r1tls13", false},
	{groupFFDHE2048, "ffdhe2048", false},
	{groupFFDHE3072, "ffdhe3072", false},
	{groupFFDHE4096, "ffdhe4096", false},
	{groupFFDHE6144, "ffdhe6144", false},
	{groupFFDHE8192, "ffdhe8192", false},
	{groupX25519MLKEM, "X25519MLKEM768", true},
	{groupP256MLKEM, "SecP256r1MLKEM768", true},
	{groupP384MLKEM, "SecP384r1MLKEM1024", true},
	{groupMLKEM512, "MLKEM512", true},
	{groupMLKEM768, "MLKEM768", true},
	{groupMLKEM1024, "MLKEM1024", true},
}

// Group is one key-exchange group a server accepted.
type Group struct {
	Code string `json:"code"` // "0x11ec"
	Name string `json:"name"` // "X25519MLKEM768"
	PQ   bool   `json:"pq"`   // post-quantum (ML-KEM, alone or hybrid)
	code uint16
}

func newGroup(code uint16) Group {
	for _, g := range knownGroups {
		if g.code == code {
			return Group{Code: hexCode(code), Name: g.name, PQ: g.pq, code: code}
		}
	}
	return Group{Code: hexCode(code), Name: "unknown-" + hexCode(code), code: code}
}

// groupCodes returns the code points of knownGroups in order.
func groupCodes() []uint16 {
	out := make([]uint16, len(knownGroups))
	for i, g := range knownGroups {
		out[i] = g.code
	}
	return out
}

var (
	sharesOnce sync.Once
	shares     map[uint16][]byte
)

// keyShare returns a valid client key share for group g (RFC 8446 section
// 4.2.8.2, draft-ietf-tls-ecdhe-mlkem section 4), or nil when the prober
// cannot build one; a hello then offers the group with no share and the
// server answers with a HelloRetryRequest if it supports it. The shares are
// generated once per process: the prober never completes a key exchange,
// so reusing them leaks nothing.
func keyShare(g uint16) []byte {
	sharesOnce.Do(func() { shares = buildShares() })
	return shares[g]
}

func buildShares() map[uint16][]byte {
	x := ecPublic(ecdh.X25519())
	p256 := ecPublic(ecdh.P256())
	p384 := ecPublic(ecdh.P384())
	k768 := mlkem768Public()
	k1024 := mlkem1024Public()
	return map[uint16][]byte{
		groupX25519:      x,
		groupP256:        p256,
		groupP384:        p384,
		groupP521:        ecPublic(ecdh.P521()),
		groupMLKEM768:    k768,
		groupMLKEM1024:   k1024,
		groupX25519MLKEM: concat(k768, x),
		groupP256MLKEM:   concat(p256, k768),
		groupP384MLKEM:   concat(p384, k1024),
	}
}

func ecPublic(c ecdh.Curve) []byte {
	k, err := c.GenerateKey(rand.Reader)
	if err != nil {
		panic("tlsprobe: generating a key share: " + err.Error()) // crypto/rand never fails
	}
	return k.PublicKey().Bytes()
}

func mlkem768Public() []byte {
	k, err := mlkem.GenerateKey768()
	if err != nil {
		panic("tlsprobe: generating an ML-KEM-768 key: " + err.Error())
	}
	return k.EncapsulationKey().Bytes()
}

func mlkem1024Public() []byte {
	k, err := mlkem.GenerateKey1024()
	if err != nil {
		panic("tlsprobe: generating an ML-KEM-1024 key: " + err.Error())
	}
	return k.EncapsulationKey().Bytes()
}

func concat(a, b []byte) []byte {
	out := make([]byte, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}
