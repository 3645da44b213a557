package serverconf

import (
	"fmt"
	"strings"
)

// This file reads nginx configuration: a tokenizer for words, quoted
// strings, braces, semicolons and comments, a parser into a tree of
// directives, and the expansion of include directives relative to the
// directory of the main file, as nginx resolves them against its prefix.

// directive is one nginx directive with its arguments and, for block
// directives (http, server, location, if), its children.
type directive struct {
	Name  string
	Args  []string
	File  string // relative path of the file it is written in
	Line  int
	Block []*directive
	// IsBlock says whether the directive has a block, even an empty one.
	IsBlock bool
}

type nginxToken struct {
	text   string
	line   int
	quoted bool
}

// nginxTokens splits data into tokens. A special token is one of { } ;
// and is never quoted.
func nginxTokens(file string, data []byte) ([]nginxToken, error) {
	var out []nginxToken
	s := string(data)
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '{' || c == '}' || c == ';':
			out = append(out, nginxToken{text: string(c), line: line})
			i++
		case c == '"' || c == '\'':
			tok, n, lines, err := nginxQuoted(s[i:])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", file, line, err)
			}
			out = append(out, nginxToken{text: tok, line: line, quoted: true})
			i += n
			line += lines
		default:
			n := nginxWord(s[i:])
			out = append(out, nginxToken{text: s[i : i+n], line: line})
			i += n
		}
	}
	return out, nil
}

// nginxQuoted reads a quoted string at the start of s, returning its text,
// the bytes consumed and the newlines inside it.
func nginxQuoted(s string) (string, int, int, error) {
	q := s[0]
	var b strings.Builder
	lines := 0
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == q:
			return b.String(), i + 1, lines, nil
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
			if s[i] == '\n' {
				lines++
			}
		default:
			if c == '\n' {
				lines++
			}
			b.WriteByte(c)
		}
	}
	return "", 0, 0, fmt.Errorf("unterminated %c string", q)
}

// nginxWord returns the length of the unquoted word at the start of s. A
// word ends at space, ; { or }, except inside ${...}.
func nginxWord(s string) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i += 2
			continue
		}
		if c == '$' && i+1 < len(s) && s[i+1] == '{' {
			if end := strings.IndexByte(s[i:], '}'); end > 0 {
				i += end + 1
				continue
			}
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '{' ||
			c == '}' {
			break
		}
		i++
	}
	return max(i, 1)
}

// nginxParser builds the directive tree from tokens.
type nginxParser struct {
	file string
	toks []nginxToken
	pos  int
}

// parseNginx parses one file without following includes.
func parseNginx(file string, data []byte) ([]*directive, error) {
	toks, err := nginxTokens(file, data)
	if err != nil {
		return nil, err
	}
	p := &nginxParser{file: file, toks: toks}
	return p.block(0, 0)
}

func (p *nginxParser) special(t nginxToken, c string) bool {
	return !t.quoted && t.text == c
}

// block reads directives until a closing brace (depth > 0) or the end.
func (p *nginxParser) block(depth, open int) ([]*directive, error) {
	if depth > 64 {
		return nil, fmt.Errorf("%s:%d: blocks nested too deeply", p.file, open)
	}
	var out []*directive
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		if p.special(t, "}") {
			if depth == 0 {
				return nil, fmt.Errorf("%s:%d: unexpected \"}\"", p.file, t.line)
			}
			p.pos++
			return out, nil
		}
		d, err := p.directive(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if depth > 0 {
		return nil, fmt.Errorf("%s:%d: block opened here is never closed", p.file, open)
	}
	return out, nil
}

// directive reads one directive: a name, arguments, then ; or a block.
func (p *nginxParser) directive(depth int) (*directive, error) {
	t := p.toks[p.pos]
	if p.special(t, ";") || p.special(t, "{") {
		return nil, fmt.Errorf("%s:%d: unexpected %q", p.file, t.line, t.text)
	}
	d := &directive{Name: t.text, File: p.file, Line: t.line}
	p.pos++
	for p.pos < len(p.toks) {
		a := p.toks[p.pos]
		p.pos++
		switch {
		case p.special(a, ";"):
			return d, nil
		case p.special(a, "{"):
			d.IsBlock = true
			children, err := p.block(depth+1, a.line)
			d.Block = children
			return d, err
		case p.special(a, "}"):
			return nil, fmt.Errorf("%s:%d: directive %q is not terminated by \";\"",
				p.file, d.Line, d.Name)
		default:
			d.Args = append(d.Args, a.text)
		}
	}
	return nil, fmt.Errorf("%s:%d: unexpected end of file, expecting \";\" or \"}\"",
		p.file, d.Line)
}

// nginxLoader parses a main file and the files it includes.
type nginxLoader struct {
	fs     *fsys
	prefix string // directory of the main file: relative includes start here
	seen   map[string]bool
	// Included lists every file pulled in by an include directive.
	Included map[string]bool
	// Notes are include directives that could not be followed.
	Notes []string
}

// loadNginx parses main and expands its includes.
func loadNginx(fs *fsys, main string) ([]*directive, *nginxLoader, error) {
	l := &nginxLoader{fs: fs, prefix: dirOf(main), seen: map[string]bool{},
		Included: map[string]bool{}}
	tree, err := l.file(main, 0)
	return tree, l, err
}

func (l *nginxLoader) file(rel string, depth int) ([]*directive, error) {
	data, err := l.fs.read(rel)
	if err != nil {
		return nil, err
	}
	tree, err := parseNginx(rel, data)
	if err != nil {
		return nil, err
	}
	l.seen[rel] = true
	defer delete(l.seen, rel)
	return l.expand(tree, depth)
}

// expand replaces include directives in ds, recursively, by the directives
// of the files they name.
func (l *nginxLoader) expand(ds []*directive, depth int) ([]*directive, error) {
	var out []*directive
	for _, d := range ds {
		if d.Name != "include" || d.IsBlock || len(d.Args) != 1 {
			if d.IsBlock {
				kids, err := l.expand(d.Block, depth)
				if err != nil {
					return nil, err
				}
				d.Block = kids
			}
			out = append(out, d)
			continue
		}
		got, err := l.include(d, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// include returns the directives of the files an include directive names.
func (l *nginxLoader) include(d *directive, depth int) ([]*directive, error) {
	if depth >= maxIncludeDepth {
		return nil, fmt.Errorf("%s:%d: includes nested more than %d deep", d.File, d.Line,
			maxIncludeDepth)
	}
	rel, ok := resolve(l.prefix, d.Args[0])
	if !ok {
		l.Notes = append(l.Notes, fmt.Sprintf("%s:%d: include %s is outside the scanned "+
			"directory and was not read", d.File, d.Line, d.Args[0]))
		return nil, nil
	}
	var out []*directive
	for _, f := range l.fs.glob(rel) {
		if l.seen[f] {
			return nil, fmt.Errorf("%s:%d: include %s includes itself", d.File, d.Line, f)
		}
		l.Included[f] = true
		got, err := l.file(f, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}
