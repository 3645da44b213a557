package postgres

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/kollguard/kollguard/internal/check"
)

// discoverEPHI returns the tables whose names, comments or security labels
// show ePHI, with the evidence for each. It reads nothing but tables.
func discoverEPHI(tables []Table) []EPHITable {
	out := []EPHITable{}
	for _, t := range tables {
		if e, ok := discoverTable(t); ok {
			out = append(out, e)
		}
	}
	return out
}

func discoverTable(t Table) (EPHITable, bool) {
	e := EPHITable{Schema: t.Schema, Name: t.Name}
	if m, w := matchName(t.Name); m.strong && m.kind == "clinical" {
		e.Reasons = append(e.Reasons, "table name has the clinical word "+w)
	}
	if w, ok := textMentionsEPHI(t.Comment); ok {
		e.Reasons = append(e.Reasons, "table comment mentions "+w)
	}
	for _, l := range t.Labels[""] {
		e.Reasons = append(e.Reasons, "security label "+l)
	}
	cols := make([]EPHIColumn, len(t.Columns))
	strongs := make([]bool, len(t.Columns))
	context := len(e.Reasons) > 0 || isPersonTable(t.Name)
	for i, col := range t.Columns {
		cols[i], strongs[i] = discoverColumn(t, col)
		context = context || strongs[i]
	}
	for i, c := range cols {
		switch {
		case c.Kind == "":
		case strongs[i]:
			e.Columns = append(e.Columns, c)
		case context:
			c.Reason += " in a table about people or care"
			e.Columns = append(e.Columns, c)
		}
	}
	return e, len(e.Reasons) > 0 || len(e.Columns) > 0
}

// discoverColumn judges one column; strong says it marks the table by
// itself.
func discoverColumn(t Table, col string) (EPHIColumn, bool) {
	if ls := t.Labels[col]; len(ls) > 0 {
		return EPHIColumn{Name: col, Kind: "labelled",
			Reason: "security label " + strings.Join(ls, "; ")}, true
	}
	if w, ok := textMentionsEPHI(t.ColumnComments[col]); ok {
		return EPHIColumn{Name: col, Kind: "comment", Reason: "column comment mentions " + w},
			true
	}
	m, w := matchName(col)
	if m.kind == "" {
		return EPHIColumn{}, false
	}
	return EPHIColumn{Name: col, Kind: m.kind, Reason: "column name has " + w}, m.strong
}

// inventory returns the ePHI tables of s with the target's include and
// exclude patterns applied, sorted by schema.name.
//
// A pattern is name, schema.name or schema.name.column, each part a glob
// (path.Match); a bare name matches the table in any schema.
func inventory(s *Snapshot, opts Options) []EPHITable {
	byName := map[string]*EPHITable{}
	for _, e := range s.EPHI {
		e.Columns = append([]EPHIColumn(nil), e.Columns...)
		e.Reasons = append([]string(nil), e.Reasons...)
		byName[e.qualified()] = &e
	}
	for _, t := range s.Tables {
		for _, p := range opts.EPHIInclude {
			includeTable(byName, t, p)
		}
	}
	for q, e := range byName {
		for _, p := range opts.EPHIExclude {
			excludeFrom(e, p)
		}
		if len(e.Reasons) == 0 && len(e.Columns) == 0 {
			delete(byName, q)
		}
	}
	out := make([]EPHITable, 0, len(byName))
	for _, e := range byName {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].qualified() < out[j].qualified() })
	return out
}

func includeTable(byName map[string]*EPHITable, t Table, pattern string) {
	col, ok := matchTable(pattern, t.Schema, t.Name)
	if !ok {
		return
	}
	e := byName[t.qualified()]
	if e == nil {
		e = &EPHITable{Schema: t.Schema, Name: t.Name}
		byName[t.qualified()] = e
	}
	const why = "listed in ephi.include"
	if col == "" {
		e.Reasons = append(e.Reasons, why)
		return
	}
	for _, c := range t.Columns {
		if m, _ := path.Match(col, c); m && !e.hasColumn(c) {
			e.Columns = append(e.Columns, EPHIColumn{Name: c, Kind: "configured", Reason: why})
		}
	}
}

func excludeFrom(e *EPHITable, pattern string) {
	col, ok := matchTable(pattern, e.Schema, e.Name)
	if !ok {
		return
	}
	if col == "" {
		e.Reasons, e.Columns = nil, nil
		return
	}
	kept := e.Columns[:0]
	for _, c := range e.Columns {
		if m, _ := path.Match(col, c.Name); !m {
			kept = append(kept, c)
		}
	}
	e.Columns = kept
}

// matchTable reports whether pattern names schema.name, and returns its
// column part ("" for a table pattern).
func matchTable(pattern, schema, name string) (string, bool) {
	parts := strings.Split(pattern, ".")
	glob := func(p, s string) bool { m, _ := path.Match(p, s); return m }
	switch len(parts) {
	case 1:
		return "", glob(parts[0], name)
	case 2:
		return "", glob(parts[0], schema) && glob(parts[1], name)
	case 3:
		return parts[2], glob(parts[0], schema) && glob(parts[1], name)
	}
	return "", false
}

func (e *EPHITable) hasColumn(name string) bool {
	for _, c := range e.Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// describe says in one line why a table is treated as ePHI.
func (e EPHITable) describe() string {
	var parts []string
	parts = append(parts, e.Reasons...)
	for _, c := range e.Columns {
		parts = append(parts, fmt.Sprintf("%s (%s: %s)", c.Name, c.Kind, c.Reason))
	}
	return e.qualified() + ": " + strings.Join(parts, "; ")
}

// maxListed is how many ePHI tables the inventory's message names; the
// evidence lists them all.
const maxListed = 50

// evalInventory lists the ePHI tables: an info finding that always passes,
// so that a report shows what the other checks treated as ePHI.
func evalInventory(c check.Check, s *Snapshot, target string, opts Options) []check.Finding {
	inv := analyze(s, opts).ephi
	if len(inv) == 0 {
		return []check.Finding{c.Result(target, "ePHI inventory", check.Pass,
			"no table was found to hold ePHI by its names, comments or security labels; "+
				"list ePHI tables under ephi.include in kollguard.yaml if there are any").
			With("tables", []string{})}
	}
	names := make([]string, len(inv))
	lines := make([]string, len(inv))
	for i, e := range inv {
		names[i], lines[i] = e.qualified(), e.describe()
	}
	shown := names
	if len(shown) > maxListed {
		shown = append(shown[:maxListed:maxListed],
			fmt.Sprintf("and %d more (see the evidence)", len(names)-maxListed))
	}
	return []check.Finding{c.Resultf(target, "ePHI inventory", check.Pass,
		"%d tables treated as ePHI: %s", len(inv), strings.Join(shown, ", ")).
		With("tables", names).With("why", lines)}
}
