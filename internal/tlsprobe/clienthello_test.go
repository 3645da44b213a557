package tlsprobe

import (
	"bytes"
	"testing"
)

func TestClientHellosStayOutOfTroubleRanges(t *testing.T) {
	t.Parallel()
	for _, v := range probedVersions {
		for n := 0; n <= min(len(candidates(v)), batchSize(v)); n++ {
			for _, sni := range []string{"", "localhost", "a-rather-long-name.example.org"} {
				s := specFor(v, candidates(v)[:n])
				s.serverName = sni
				rec := buildClientHello(s)
				h, err := parseClientHello(rec[5:])
				if err != nil {
					t.Fatalf("%s with %d suites: own hello does not parse: %v",
						versionName(v), n, err)
				}
				if h.length >= 256 && h.length < 512 {
					t.Errorf("%s with %d suites: hello of %d bytes is in the 256-511 range",
						versionName(v), n, h.length)
				}
				if len(h.suites) >= 128 {
					t.Errorf("%s: %d suites in one hello", versionName(v), len(h.suites))
				}
			}
		}
	}
}

func TestClientHelloSignalsAndNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		spec    helloSpec
		sni     bool
		reneg   bool // renegotiation_info extension
		scsv    bool // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
		version uint16
	}{
		{"a TLS 1.2 hello sends SNI and renegotiation_info",
			helloSpec{version: versionTLS12, suites: []uint16{0xc02f}, serverName: "db.example"},
			true, true, false, versionTLS12},
		{"an IP address is never sent as SNI",
			helloSpec{version: versionTLS12, suites: []uint16{0xc02f}, serverName: "127.0.0.1"},
			false, true, false, versionTLS12},
		{"an IPv6 address is never sent as SNI",
			helloSpec{version: versionTLS13, suites: []uint16{0x1301}, serverName: "::1"},
			false, true, false, versionTLS13},
		{"an SSL 3.0 hello signals with the SCSV instead of extensions",
			helloSpec{version: versionSSL30, suites: []uint16{0x002f}, serverName: "db.example"},
			false, false, true, versionSSL30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := parseClientHello(buildClientHello(tt.spec)[5:])
			if err != nil {
				t.Fatal(err)
			}
			_, sni := h.exts[extServerName]
			_, reneg := h.exts[extRenegotiationInfo]
			scsv := bytes.Contains(u16s(h.suites), []byte{0x00, 0xff})
			if sni != tt.sni || reneg != tt.reneg || scsv != tt.scsv || h.version != tt.version {
				t.Errorf("sni %t reneg %t scsv %t version %x; want %t %t %t %x",
					sni, reneg, scsv, h.version, tt.sni, tt.reneg, tt.scsv, tt.version)
			}
		})
	}
}

func u16s(list []uint16) []byte {
	var out []byte
	for _, v := range list {
		out = append(out, byte(v>>8), byte(v))
	}
	return out
}

func TestKeySharesHaveTheirStandardSizes(t *testing.T) {
	t.Parallel()
	want := map[uint16]int{groupX25519: 32, groupP256: 65, groupP384: 97, groupP521: 133,
		groupX25519MLKEM: 1184 + 32, groupP256MLKEM: 65 + 1184, groupP384MLKEM: 97 + 1568,
		groupMLKEM768: 1184, groupMLKEM1024: 1568}
	for g, n := range want {
		if got := len(keyShare(g)); got != n {
			t.Errorf("%s share: %d bytes, want %d", newGroup(g).Name, got, n)
		}
	}
}

func TestRegistryHasNoDuplicatesAndNamesEveryTLS13Suite(t *testing.T) {
	t.Parallel()
	seen := map[uint16]bool{}
	for _, s := range append(suites12, suites13...) {
		if seen[s.code] {
			t.Errorf("duplicate code point %s", hexCode(s.code))
		}
		seen[s.code] = true
	}
	for c, n := range map[uint16]string{0x1301: "TLS_AES_128_GCM_SHA256",
		0x1304: "TLS_AES_128_CCM_SHA256", 0xc02f: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		0x000a: "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x0003: "TLS_RSA_EXPORT_WITH_RC4_40_MD5"} {
		if got := suiteName(c); got != n {
			t.Errorf("%s: %s, want %s", hexCode(c), got, n)
		}
	}
	if len(suites12) < 300 {
		t.Errorf("only %d TLS 1.2 suites in the registry table", len(suites12))
	}
}
