package tlsprobe

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// groupResult is what the group probes of one version taught.
type groupResult struct {
	supported []uint16 // in the server's preference order when known
	preferred uint16   // chosen from all supported, classical listed first
	unknown   int      // probes that taught nothing
}

// probeGroups13 offers each known group alone under TLS 1.3, with a valid
// key share where the prober can build one (RFC 8446 section 4.2.8); a
// server that supports the group answers a ServerHello or a
// HelloRetryRequest selecting it.
func (p *prober) probeGroups13(ctx context.Context) groupResult {
	codes := groupCodes()
	ok := make([]bool, len(codes))
	bad := make([]bool, len(codes))
	var wg sync.WaitGroup
	for i, g := range codes {
		wg.Go(func() {
			s := helloSpec{version: versionTLS13, suites: suiteCodes(versionTLS13),
				groups: []uint16{g}, shares: []uint16{g}}
			a := p.exchange(ctx, s)
			ok[i] = a.accepted() && a.f.hello.version == versionTLS13 && a.f.hello.group == g
			bad[i] = a.err != nil
		})
	}
	wg.Wait()
	var r groupResult
	for i, g := range codes {
		if ok[i] {
			r.supported = append(r.supported, g)
		}
		if bad[i] {
			r.unknown++
		}
	}
	r.supported, r.preferred = p.groupOrder(ctx, r.supported)
	return r
}

// groupOrder offers every supported group, classical first and each with a
// key share, and removes the server's pick until one is left: the picks
// are the server's preference. The first pick tells whether the server
// prefers a post-quantum group over a client's classical preference.
func (p *prober) groupOrder(ctx context.Context, supported []uint16) ([]uint16, uint16) {
	if len(supported) == 0 {
		return nil, 0
	}
	if len(supported) == 1 {
		return supported, supported[0]
	}
	var out []uint16
	left := slices.Clone(supported)
	for len(left) > 1 {
		s := helloSpec{version: versionTLS13, suites: suiteCodes(versionTLS13),
			groups: left, shares: left}
		a := p.exchange(ctx, s)
		if !a.accepted() || !slices.Contains(left, a.f.hello.group) {
			return supported, firstOr(out)
		}
		g := a.f.hello.group
		out = append(out, g)
		left = slices.DeleteFunc(left, func(c uint16) bool { return c == g })
	}
	return append(out, left...), out[0]
}

func firstOr(list []uint16) uint16 {
	if len(list) == 0 {
		return 0
	}
	return list[0]
}

// probeGroups12 offers each elliptic-curve group alone with the ECDHE suites
// TLS 1.2 accepted, and reads the curve the server signed in its
// ServerKeyExchange (RFC 8422 section 5.4).
func (p *prober) probeGroups12(ctx context.Context, suites []uint16) []uint16 {
	ecdhe := slices.DeleteFunc(slices.Clone(suites), func(c uint16) bool {
		return !strings.Contains(suiteName(c), "_ECDHE_")
	})
	if len(ecdhe) == 0 {
		return nil
	}
	ok := make([]bool, len(classicGroups))
	var wg sync.WaitGroup
	for i, g := range classicGroups {
		if g >= groupFFDHE2048 {
			continue
		}
		wg.Go(func() {
			s := helloSpec{version: versionTLS12, suites: ecdhe, groups: []uint16{g}}
			a := p.exchange(ctx, s)
			ok[i] = a.accepted() && a.f.curve == g
		})
	}
	wg.Wait()
	var out []uint16
	for i, g := range classicGroups {
		if ok[i] {
			out = append(out, g)
		}
	}
	return out
}
