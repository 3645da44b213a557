package serverconf

import (
	"fmt"
	"sort"
	"strings"
)

// This file reads postgresql.conf as the server's configuration file lexer
// does: `name = value` or `name value`, `#` comments, single-quoted values
// with '' and backslash escapes, unquoted values with units kept as written
// ("15min"), include, include_if_exists and include_dir relative to the
// including file, and the last assignment of a name winning.

// pgValue is one assignment of a setting and where it is written.
type pgValue struct {
	Value string
	File  string
	Line  int
}

// pgConf is the settings of one postgresql.conf and what it includes.
type pgConf struct {
	settings map[string]pgValue
	files    map[string]bool // every file read, the main one included
	notes    []string        // includes outside the scanned directory
}

// loadPGConf reads main and the files it includes, then the
// postgresql.auto.conf beside it, which the server reads last.
func loadPGConf(fs *fsys, main string) (*pgConf, error) {
	c := &pgConf{settings: map[string]pgValue{}, files: map[string]bool{}}
	if err := c.read(fs, main, 0, true); err != nil {
		return nil, err
	}
	auto := strings.TrimPrefix(dirOf(main)+"/postgresql.auto.conf", "./")
	if auto != main && len(fs.glob(auto)) == 1 {
		if err := c.read(fs, auto, 0, true); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// read applies one file; missing files are errors only when required.
func (c *pgConf) read(fs *fsys, file string, depth int, required bool) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("%s: includes nested more than %d deep", file, maxIncludeDepth)
	}
	if !required && len(fs.glob(file)) == 0 {
		return nil
	}
	data, err := fs.read(file)
	if err != nil {
		return err
	}
	c.files[file] = true
	for i, line := range strings.Split(string(data), "\n") {
		name, val, err := pgConfLine(line)
		if err != nil {
			return fmt.Errorf("%s:%d: %v", file, i+1, err)
		}
		if name == "" {
			continue
		}
		if err := c.assign(fs, file, i+1, name, val, depth); err != nil {
			return err
		}
	}
	return nil
}

// assign records a setting or follows an include directive.
func (c *pgConf) assign(fs *fsys, file string, line int, name, val string, depth int) error {
	switch name {
	case "include", "include_if_exists", "include_dir":
	default:
		c.settings[name] = pgValue{Value: val, File: file, Line: line}
		return nil
	}
	rel, ok := resolve(dirOf(file), val)
	if !ok {
		c.notes = append(c.notes, fmt.Sprintf("%s:%d: %s %s is outside the scanned directory "+
			"and was not read", file, line, name, val))
		return nil
	}
	if name != "include_dir" {
		return c.read(fs, rel, depth+1, name == "include")
	}
	var confs []string
	for _, f := range fs.glob(rel + "/*.conf") {
		if !strings.HasPrefix(baseOf(f), ".") {
			confs = append(confs, f)
		}
	}
	sort.Strings(confs)
	for _, f := range confs {
		if err := c.read(fs, f, depth+1, true); err != nil {
			return err
		}
	}
	return nil
}

// pgConfLine reads one line: the lower-cased name and the value, or an
// empty name for a blank or comment line.
func pgConfLine(line string) (name, val string, err error) {
	s := strings.TrimLeft(line, " \t\r\f")
	if s == "" || s[0] == '#' {
		return "", "", nil
	}
	n := 0
	for n < len(s) && isNameByte(s[n], n == 0) {
		n++
	}
	if n == 0 {
		return "", "", fmt.Errorf("syntax error at column %d", len(line)-len(s)+1)
	}
	name = strings.ToLower(s[:n])
	s = strings.TrimLeft(s[n:], " \t\r\f")
	s = strings.TrimLeft(strings.TrimPrefix(s, "="), " \t\r\f")
	val, rest, err := pgConfValue(s)
	if err != nil {
		return "", "", err
	}
	rest = strings.TrimLeft(rest, " \t\r\f")
	if rest != "" && rest[0] != '#' {
		return "", "", fmt.Errorf("syntax error at column %d", len(line)-len(rest)+1)
	}
	return name, val, nil
}

func isNameByte(c byte, first bool) bool {
	alpha := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
	return alpha || (!first && (c == '.' || c == '$' || (c >= '0' && c <= '9')))
}

// pgConfValue reads a quoted or unquoted value at the start of s.
func pgConfValue(s string) (val, rest string, err error) {
	if s == "" || s[0] == '#' {
		return "", "", fmt.Errorf("missing value")
	}
	if s[0] != '\'' {
		n := strings.IndexAny(s, " \t\r\f#")
		if n < 0 {
			n = len(s)
		}
		return s[:n], s[n:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\'':
			return b.String(), s[i+1:], nil
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(unescape(s[i]))
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated quoted string")
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return c
}
