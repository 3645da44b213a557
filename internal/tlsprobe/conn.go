package tlsprobe

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Defaults of Options.
const (
	defaultConnTimeout = 5 * time.Second
	defaultParallel    = 4
	maxRetries         = 3
)

// prober holds what every connection of one Probe shares: the address, the
// options and the semaphore that bounds parallel connections.
type prober struct {
	ep    Endpoint
	addr  string
	sni   string
	opts  Options
	sem   chan struct{}
	conns atomic.Int64 // connections opened, for the snapshot's statistics
	// calm is set after the first reset or throttling: from then on the
	// probe opens one connection at a time, holding serial.
	calm   atomic.Bool
	serial sync.Mutex
}

func newProber(e Endpoint, o Options) *prober {
	return &prober{
		ep:   e,
		addr: net.JoinHostPort(e.Host, strconv.Itoa(e.Port)),
		sni:  sniName(e.serverName()),
		opts: o,
		sem:  make(chan struct{}, o.Parallel),
	}
}

// answer is the outcome of one ClientHello. Exactly one holds: f has a
// ServerHello (accepted); f has only an alert, or closed is set (refused);
// err says why nothing could be learned.
type answer struct {
	f      *flight
	closed bool
	err    error
}

func (a answer) accepted() bool { return a.f != nil && a.f.hello != nil }

func (a answer) refused() bool { return a.err == nil && !a.accepted() }

// exchange sends one ClientHello on a fresh connection and reads the
// answer, retrying a bounded number of times when the connection is reset
// or the server throttles, as servers under parallel load do; after the
// first such failure the whole probe falls back to one connection at a time.
func (p *prober) exchange(ctx context.Context, s helloSpec) answer {
	var a answer
	for try := 0; try <= maxRetries; try++ {
		a = p.once(ctx, s)
		if !retryable(a.err) || ctx.Err() != nil {
			return a
		}
		p.calm.Store(true)
		if !sleep(ctx, time.Duration(try+1)*100*time.Millisecond) {
			return a
		}
	}
	return a
}

func (p *prober) once(ctx context.Context, s helloSpec) answer {
	s.serverName = p.sni
	hello := buildClientHello(s)
	var a answer
	err := p.withConn(ctx, func(c net.Conn) error {
		if _, err := c.Write(hello); err != nil {
			return err
		}
		f, err := readFlight(c)
		a.f = f
		return err
	})
	switch {
	case errors.Is(err, errClosed):
		a.closed = true
	case err != nil && !a.accepted():
		a.f, a.err = nil, err
	}
	return a
}

// withConn runs fn on a new connection to the endpoint, upgraded with
// STARTTLS when the scheme needs it, under one absolute deadline.
func (p *prober) withConn(ctx context.Context, fn func(net.Conn) error) error {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.sem }()
	if p.calm.Load() {
		p.serial.Lock()
		defer p.serial.Unlock()
	}

	deadline := time.Now().Add(p.opts.ConnTimeout)
	d := net.Dialer{Deadline: deadline}
	c, err := d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return &dialError{err: err}
	}
	p.conns.Add(1)
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.SetDeadline(deadline); err != nil {
		return err
	}
	if err := startTLS(c, p.ep); err != nil {
		return err
	}
	return fn(c)
}

// dialError marks an error of reaching the endpoint at all, which makes it
// unreachable rather than merely unknown.
type dialError struct{ err error }

func (e *dialError) Error() string { return "connecting: " + e.err.Error() }

func (e *dialError) Unwrap() error { return e.err }

// retryable reports whether err is worth another connection: a reset, a
// refused connection under load, or a STARTTLS server asking to come back.
func retryable(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, ErrThrottled)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// describe turns an answer that taught nothing into a short reason.
func describe(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "probe time budget exhausted"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, ErrThrottled):
		return "inconclusive: " + err.Error()
	}
	return err.Error()
}
