package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kollguard/kollguard/internal/check"
	"github.com/kollguard/kollguard/internal/postgres"
	"github.com/kollguard/kollguard/internal/report"
	"github.com/kollguard/kollguard/internal/tlsprobe"
	"github.com/kollguard/kollguard/internal/webapp"
)

// EvidenceVersion is the version of the saved evidence format.
const EvidenceVersion = 1

// Evidence is what the collectors read of one network target: the
// snapshots its checks judge, and what could not be read. It holds no
// secret, so it can be saved and judged again later (scan --from), by a
// newer KollGuard or under other options.
type Evidence struct {
	SchemaVersion int                `json:"schema_version"`
	Target        Target             `json:"target"`
	CollectedAt   time.Time          `json:"collected_at"`
	Postgres      *postgres.Snapshot `json:"postgres,omitempty"`
	TLS           *tlsprobe.Snapshot `json:"tls,omitempty"`
	WebApp        *webapp.Snapshot   `json:"webapp,omitempty"`
	// Errors says, per collector ("postgres", "tls", "webapp"), why it read
	// nothing.
	Errors map[string]string `json:"errors,omitempty"`
	// Refused is set when the target answered but refused the login.
	Refused bool `json:"refused,omitempty"`
}

func (ev *Evidence) fail(collector string, err error) {
	if ev.Errors == nil {
		ev.Errors = map[string]string{}
	}
	ev.Errors[collector] = err.Error()
}

// Collect reads a network target. It never fails: what it could not read
// is recorded in the evidence's Errors.
func Collect(ctx context.Context, t Target, o Options) *Evidence {
	ev := &Evidence{SchemaVersion: EvidenceVersion, Target: t, CollectedAt: time.Now().UTC()}
	switch t.Kind {
	case KindPostgres:
		snap, err := postgres.Collect(ctx, postgres.Conn{URL: t.URL, Password: t.Password})
		if err != nil {
			ev.fail("postgres", err)
			ev.Refused = errors.Is(err, postgres.ErrRefused)
			return ev
		}
		ev.Postgres = snap
		if s, ok := snap.Settings["ssl"]; ok && s.Value == "on" {
			ev.TLS = probe(ctx, ev, o)
		}
	case KindTLS:
		ev.TLS = probe(ctx, ev, o)
	case KindWebApp:
		if ev.TLS = probe(ctx, ev, o); ev.TLS == nil {
			ev.fail("webapp", errors.New(ev.Errors["tls"]))
			return ev
		}
		snap, err := webapp.Collect(ctx, t.URL, t.Web)
		if err != nil {
			ev.fail("webapp", err)
		}
		ev.WebApp = snap
	default:
		ev.fail(t.Kind, fmt.Errorf("%w: kind %q", ErrUnsupported, t.Kind))
	}
	return ev
}

// probe runs the TLS prober on the target's endpoint. An endpoint that
// accepts connections but never answers a hello in TLS is recorded as
// unreachable: every one of its findings would be unknown.
func probe(ctx context.Context, ev *Evidence, o Options) *tlsprobe.Snapshot {
	ep, err := tlsprobe.ParseEndpoint(ev.Target.URL)
	if err != nil {
		ev.fail("tls", err)
		return nil
	}
	snap, err := tlsprobe.Probe(ctx, ep, o.TLS)
	if err != nil {
		ev.fail("tls", err)
		return nil
	}
	if snap.TLS == nil {
		ev.fail("tls", errors.New("the endpoint accepted connections but never answered a "+
			"TLS hello"))
	}
	return snap
}

// Judge evaluates the checks on collected evidence: the report's target
// entry and the findings. It is pure, so a saved evidence file judges the
// same as the scan that wrote it, given the same options.
func Judge(ev *Evidence, o Options) (report.Target, []check.Finding) {
	t := ev.Target
	rt := report.Target{Name: t.Name, Kind: t.Kind, Address: t.Address(),
		Status: report.Scanned}
	var out []check.Finding
	unreachable := func(collector string, none func(string, error) []check.Finding) bool {
		msg, failed := ev.Errors[collector]
		if failed {
			out = append(out, none(t.Name, errors.New(msg))...)
			if rt.Error == "" {
				rt.Status, rt.Error = report.Unreachable, msg
			}
		}
		return failed
	}
	if t.Kind == KindPostgres && !unreachable("postgres", postgres.Unreachable) {
		opts := t.Postgres
		opts.BreakGlassRole = t.BreakGlassRole
		out = append(out, postgres.Evaluate(ev.Postgres, t.Name, opts)...)
	}
	// The TLS probe of a PostgreSQL server is a second look at a target
	// already read: its failure shows in its findings, not in the status.
	tlsIsTarget := t.Kind != KindPostgres
	if ev.TLS != nil {
		out = append(out, tlsprobe.Evaluate(ev.TLS, t.Name, o.TLS)...)
		if msg, ok := ev.Errors["tls"]; ok && rt.Error == "" && tlsIsTarget {
			rt.Status, rt.Error = report.Unreachable, msg
		}
	} else if msg, ok := ev.Errors["tls"]; ok && !tlsIsTarget {
		out = append(out, tlsprobe.Unreachable(t.Name, errors.New(msg))...)
	} else {
		unreachable("tls", tlsprobe.Unreachable)
	}
	if t.Kind == KindWebApp && !unreachable("webapp", webapp.Unreachable) && ev.WebApp != nil {
		out = append(out, webapp.Evaluate(ev.WebApp, t.Name, t.Web)...)
	}
	if msg, ok := ev.Errors[t.Kind]; ok && rt.Error == "" {
		rt.Status, rt.Error = report.Unreachable, msg
	}
	if ev.Refused {
		rt.Status = report.Refused
	}
	return rt, out
}

// WriteEvidence saves ev as indented JSON.
func WriteEvidence(w io.Writer, ev *Evidence) error {
	return report.WriteJSON(w, ev)
}

// ReadEvidence loads saved evidence, refusing a format it does not know.
func ReadEvidence(r io.Reader) (*Evidence, error) {
	var ev Evidence
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("reading evidence: %w", err)
	}
	if ev.SchemaVersion != EvidenceVersion {
		return nil, fmt.Errorf("evidence schema_version %d: this KollGuard reads version %d",
			ev.SchemaVersion, EvidenceVersion)
	}
	if ev.Target.Name == "" {
		return nil, errors.New("evidence names no target")
	}
	if err := ev.complete(); err != nil {
		return nil, err
	}
	return &ev, nil
}

// complete checks that evidence holds, for each collector its kind runs,
// either a snapshot or the error that kept it from one.
func (ev *Evidence) complete() error {
	need := map[string]bool{}
	switch ev.Target.Kind {
	case KindPostgres:
		need["postgres"] = ev.Postgres != nil
	case KindTLS:
		need["tls"] = ev.TLS != nil
	case KindWebApp:
		need["tls"] = ev.TLS != nil
		need["webapp"] = ev.WebApp != nil && ev.WebApp.HTTP != nil && ev.WebApp.HTTPS != nil
	default:
		return fmt.Errorf("evidence of target kind %q: want postgres, tls or webapp",
			ev.Target.Kind)
	}
	for collector, ok := range need {
		if !ok && ev.Errors[collector] == "" {
			return fmt.Errorf("%s evidence holds neither a %s snapshot nor the error that "+
				"prevented one", ev.Target.Kind, collector)
		}
	}
	return nil
}
