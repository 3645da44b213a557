package tlsprobe

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// budgetFactor bounds a whole probe to this many connection timeouts: a
// server that answers every hello just before the deadline still costs
// bounded time, and what the probe had no time for is reported unknown.
const budgetFactor = 20

// Probe collects a Snapshot of one endpoint. It returns an error only when
// the endpoint cannot be reached at all; anything it could not determine
// once connected is recorded in the snapshot's errors and yields unknown
// findings. It never takes longer than 20 connection timeouts, whatever the
// server does; a silent or garbage-spewing server costs about one.
func Probe(ctx context.Context, e Endpoint, o Options) (*Snapshot, error) {
	o = o.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, budgetFactor*o.ConnTimeout)
	defer cancel()
	p := newProber(e, o)
	s := &Snapshot{
		Endpoint: e, SNI: p.sni, StartedAt: time.Now().UTC(),
		Suites: map[string][]Suite{}, ServerPreference: map[string]bool{},
	}
	defer func() {
		s.DurationMS = time.Since(s.StartedAt).Milliseconds()
		s.Connections = p.conns.Load()
	}()

	results := map[uint16]versionResult{}
	first := p.enumerateAll(ctx, []uint16{versionTLS13, versionTLS12})
	if err := reachable(first); err != nil {
		return nil, fmt.Errorf("probe %s: %w", e, err)
	}
	maps.Copy(results, first)
	if !spokeTLS(first) {
		noAnswer(s, first)
		return s, nil
	}
	p.stageTwo(ctx, s, results)
	s.Versions = versionList(results)
	if len(s.offered()) > 0 {
		s.TLS = boolp(true)
	} else {
		s.Errors = append(s.Errors, "the server answered in TLS but completed no handshake")
	}
	return s, nil
}

// enumerateAll enumerates the given versions in parallel.
func (p *prober) enumerateAll(ctx context.Context, vs []uint16) map[uint16]versionResult {
	var mu sync.Mutex
	out := map[uint16]versionResult{}
	var wg sync.WaitGroup
	for _, v := range vs {
		wg.Go(func() {
			r := p.enumerate(ctx, v)
			mu.Lock()
			out[v] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// reachable returns the dial error when no hello reached the endpoint.
func reachable(rs map[uint16]versionResult) error {
	var dialErr error
	for _, r := range rs {
		if r.status != VersionUnknown || r.err == nil {
			return nil
		}
		var de *dialError
		if !errors.As(r.err, &de) {
			return nil
		}
		dialErr = r.err
	}
	return dialErr
}

// spokeTLS reports whether any hello was answered in TLS: a ServerHello or
// an alert. A server that only closed or timed out has not.
func spokeTLS(rs map[uint16]versionResult) bool {
	for _, r := range rs {
		if r.status == Offered || r.spoke || len(r.anomalies) > 0 {
			return true
		}
	}
	return false
}

// noAnswer fills a snapshot whose endpoint never answered in TLS.
func noAnswer(s *Snapshot, rs map[uint16]versionResult) {
	for _, v := range probedVersions {
		s.Versions = append(s.Versions, Version{Name: versionName(v), Code: hexCode(v),
			Status: VersionUnknown, Detail: "no TLS answer", code: v})
	}
	for _, v := range []uint16{versionTLS13, versionTLS12} {
		r := rs[v]
		if errors.Is(r.err, ErrNoTLS) {
			s.TLS = boolp(false)
		}
		s.Errors = append(s.Errors, fmt.Sprintf("%s: %s", versionName(v), r.detail))
	}
}

// stageTwo runs everything that depends on the first answers in parallel:
// the older versions, suite order, groups and the crypto/tls handshake.
func (p *prober) stageTwo(ctx context.Context, s *Snapshot, results map[uint16]versionResult) {
	var wg sync.WaitGroup
	var old map[uint16]versionResult
	var g13 groupResult
	var g12 []uint16
	var gr goResult
	orders := map[uint16][]uint16{}
	prefs := map[uint16]*bool{}
	var mu sync.Mutex
	wg.Go(func() {
		old = p.enumerateAll(ctx, []uint16{versionTLS11, versionTLS10, versionSSL30})
		for v, r := range old {
			wg.Go(func() { p.orderInto(ctx, &mu, v, r.suites, orders, prefs) })
		}
	})
	for _, v := range []uint16{versionTLS13, versionTLS12} {
		wg.Go(func() { p.orderInto(ctx, &mu, v, results[v].suites, orders, prefs) })
	}
	if results[versionTLS13].status == Offered {
		wg.Go(func() { g13 = p.probeGroups13(ctx) })
	}
	if results[versionTLS12].status == Offered {
		wg.Go(func() { g12 = p.probeGroups12(ctx, results[versionTLS12].suites) })
	}
	wg.Go(func() { gr = p.goHandshake(ctx) })
	wg.Wait()
	maps.Copy(results, old)
	fillSuites(s, results, orders, prefs)
	fillGroups(s, g13, g12)
	p.fillFacts(ctx, s, results, gr)
}

func (p *prober) orderInto(ctx context.Context, mu *sync.Mutex, v uint16, found []uint16,
	orders map[uint16][]uint16, prefs map[uint16]*bool) {
	o, pref := p.order(ctx, v, found)
	mu.Lock()
	defer mu.Unlock()
	orders[v], prefs[v] = o, pref
}

// versionList turns results into the snapshot's versions, newest first.
func versionList(rs map[uint16]versionResult) []Version {
	var out []Version
	for _, v := range probedVersions {
		r := rs[v]
		out = append(out, Version{Name: versionName(v), Code: hexCode(v), Status: r.status,
			Detail: r.detail, code: v})
	}
	return out
}

func fillSuites(s *Snapshot, rs map[uint16]versionResult, orders map[uint16][]uint16,
	prefs map[uint16]*bool) {
	for _, v := range probedVersions {
		r := rs[v]
		s.Errors = append(s.Errors, r.anomalies...)
		if r.status == VersionUnknown {
			s.Errors = append(s.Errors, fmt.Sprintf("%s: %s", versionName(v), r.detail))
		}
		if len(r.suites) == 0 {
			continue
		}
		list := orders[v]
		if len(list) != len(r.suites) {
			list = r.suites
		}
		name := versionName(v)
		for _, c := range list {
			s.Suites[name] = append(s.Suites[name], newSuite(c))
		}
		if pref := prefs[v]; pref != nil {
			s.ServerPreference[name] = *pref
		}
	}
}

func fillGroups(s *Snapshot, g13 groupResult, g12 []uint16) {
	for _, g := range g13.supported {
		x := newGroup(g)
		s.Groups = append(s.Groups, x)
		s.PQSupported = s.PQSupported || x.PQ
	}
	if g13.preferred != 0 {
		x := newGroup(g13.preferred)
		s.PreferredGroup = &x
		s.PQPreferred = x.PQ
	}
	if g13.unknown > 0 {
		s.Errors = append(s.Errors, fmt.Sprintf("groups: %d probes had no answer", g13.unknown))
	}
	for _, g := range g12 {
		s.GroupsTLS12 = append(s.GroupsTLS12, newGroup(g))
	}
}

// newest12 returns the first accepted flight of the newest version up to
// TLS 1.2, which carries the certificate and the TLS 1.2 extensions.
func newest12(rs map[uint16]versionResult) (uint16, *flight) {
	for _, v := range probedVersions[1:] {
		if r := rs[v]; r.status == Offered && r.first != nil {
			return v, r.first
		}
	}
	return 0, nil
}

// offeredBelow lists offered versions, newest first.
func offeredBelow(rs map[uint16]versionResult) []uint16 {
	var out []uint16
	for _, v := range probedVersions {
		if rs[v].status == Offered {
			out = append(out, v)
		}
	}
	return slices.Clip(out)
}
