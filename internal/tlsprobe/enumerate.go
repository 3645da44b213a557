package tlsprobe

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// versionResult is what the hellos of one protocol version taught.
type versionResult struct {
	version   uint16
	status    VersionStatus
	detail    string
	suites    []uint16 // accepted, in the order found
	first     *flight  // the first accepted flight, for certificates and facts
	anomalies []string
	err       error // the last error that taught nothing
	spoke     bool  // the server answered some hello in TLS (hello or alert)
}

// candidates returns the suites worth offering under version v: TLS 1.3
// suites for TLS 1.3, and for older versions the registry without the
// suites that only TLS 1.2 defines.
func candidates(v uint16) []uint16 {
	if v >= versionTLS12 {
		return suiteCodes(v)
	}
	var out []uint16
	for _, s := range suites12 {
		if !forTLS12Only(s.name) {
			out = append(out, s.code)
		}
	}
	return out
}

// batchSize is how many suites one hello of version v offers. SSL 3.0
// hellos carry no extensions, so they cannot be padded (RFC 7685); 100
// suites keep them under 256 bytes instead.
func batchSize(v uint16) int {
	if v == versionSSL30 {
		return maxSSL3Suites
	}
	return maxSuitesPerHello
}

const maxSSL3Suites = 100

// chunks cuts list into batches of at most size suites.
func chunks(list []uint16, size int) [][]uint16 {
	var out [][]uint16
	for len(list) > size {
		out = append(out, list[:size])
		list = list[size:]
	}
	return append(out, list)
}

// specFor returns the hello offering suites under version v.
func specFor(v uint16, suites []uint16) helloSpec {
	s := helloSpec{version: v, suites: suites}
	if v == versionTLS13 {
		s.groups = groupCodes()
		s.shares = []uint16{groupX25519, groupP256}
	}
	return s
}

// enumerate finds every suite version v accepts: each batch of candidates
// is offered, the chosen suite removed, and the batch offered again until
// the server refuses (the method of RFC-agnostic scanners such as sslscan).
// Batches run in parallel; the version is offered when any batch is answered
// with exactly v.
func (p *prober) enumerate(ctx context.Context, v uint16) versionResult {
	batches := chunks(candidates(v), batchSize(v))
	parts := make([]versionResult, len(batches))
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Go(func() { parts[i] = p.drain(ctx, v, b) })
	}
	wg.Wait()
	return merge(v, parts)
}

// drain offers batch under version v until the server refuses.
func (p *prober) drain(ctx context.Context, v uint16, batch []uint16) versionResult {
	r := versionResult{version: v, status: NotOffered}
	left := slices.Clone(batch)
	for len(left) > 0 {
		a := p.exchange(ctx, specFor(v, left))
		if a.err != nil {
			r.err = a.err
			if r.status != Offered {
				r.status, r.detail = VersionUnknown, describe(a.err)
			}
			return r
		}
		r.spoke = r.spoke || a.f != nil
		if !a.accepted() {
			if r.status != Offered {
				r.detail = refusal(a)
			}
			return r
		}
		h := a.f.hello
		if h.version != v {
			r.detail = fmt.Sprintf("server answered with %s", versionName(h.version))
			return r
		}
		i := slices.Index(left, h.suite)
		if i < 0 {
			r.anomalies = append(r.anomalies, fmt.Sprintf(
				"%s: server chose suite %s it was not offered", versionName(v), hexCode(h.suite)))
			return r
		}
		left = slices.Delete(left, i, i+1)
		r.take(a.f)
	}
	return r
}

// take records the suite of an accepted flight. Up to TLS 1.2 the suite and
// the version count only when the server completed its side of the hello
// exchange (ServerHelloDone, RFC 5246 section 7.4.5); a server that chose a
// suite and then aborted is recorded as an anomaly. TLS 1.3 flights are
// encrypted after the ServerHello, which therefore counts on its own.
func (r *versionResult) take(f *flight) {
	h := f.hello
	if h.version < versionTLS13 && !h.hrr && !f.done {
		why := "stopped"
		if f.alert != nil {
			why = "sent " + f.alert.String()
		}
		r.anomalies = append(r.anomalies, fmt.Sprintf("%s: server chose %s and then %s",
			versionName(h.version), suiteName(h.suite), why))
		return
	}
	r.status = Offered
	r.suites = append(r.suites, h.suite)
	if r.first == nil {
		r.first = f
	}
}

// refusal describes how a server turned a hello down.
func refusal(a answer) string {
	if a.f != nil && a.f.alert != nil {
		return "alert " + a.f.alert.String()
	}
	return "connection closed"
}

// merge joins the batches of one version: offered wins over unknown, which
// wins over not offered.
func merge(v uint16, parts []versionResult) versionResult {
	r := versionResult{version: v, status: NotOffered}
	for _, p := range parts {
		r.suites = append(r.suites, p.suites...)
		r.anomalies = append(r.anomalies, p.anomalies...)
		if r.first == nil {
			r.first = p.first
		}
		r.spoke = r.spoke || p.spoke
		if p.err != nil {
			r.err = p.err
		}
		switch {
		case p.status == Offered:
			r.status, r.detail = Offered, ""
		case p.status == VersionUnknown && r.status != Offered:
			r.status, r.detail = VersionUnknown, p.detail
		case r.status == NotOffered && r.detail == "":
			r.detail = p.detail
		}
	}
	return r
}

// order finds the server's preference among the accepted suites: when the
// server picks the same suite from a list and from its reverse, it imposes
// its own order, which repeated offers with the pick removed then reveal
// (NIST SP 800-52r2 section 3.3.1 asks servers to prefer their own order).
func (p *prober) order(ctx context.Context, v uint16, found []uint16) ([]uint16, *bool) {
	if len(found) < 2 {
		return found, nil
	}
	fwd := p.pick(ctx, v, found)
	rev := p.pick(ctx, v, reversed(found))
	if fwd == 0 || rev == 0 {
		return found, nil
	}
	if fwd != rev {
		return found, boolp(false)
	}
	out := []uint16{fwd}
	left := slices.DeleteFunc(slices.Clone(found), func(c uint16) bool { return c == fwd })
	for len(left) > 1 {
		c := p.pick(ctx, v, left)
		i := slices.Index(left, c)
		if i < 0 {
			return found, nil
		}
		out = append(out, c)
		left = slices.Delete(left, i, i+1)
	}
	return append(out, left...), boolp(true)
}

// pick returns the suite the server chooses from suites, or 0.
func (p *prober) pick(ctx context.Context, v uint16, suites []uint16) uint16 {
	a := p.exchange(ctx, specFor(v, suites))
	if !a.accepted() || a.f.hello.version != v {
		return 0
	}
	return a.f.hello.suite
}

func reversed(list []uint16) []uint16 {
	out := slices.Clone(list)
	slices.Reverse(out)
	return out
}
