package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/kollguard/kollguard/internal/check"
)

// MaxSize is the largest config file Load and Parse accept, in bytes.
const MaxSize = 4 << 20

// Load reads and validates the config file at path. Problems in the file are
// returned together as an ErrorList; a file that cannot be read yields the
// error of the read. A nil checks set skips the check of waiver check IDs.
func Load(path string, checks *check.Set) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	return Parse(path, data, checks)
}

// Parse validates data, the contents of the config file named file. It
// returns every problem found as an ErrorList, sorted by line, and no
// config; an empty file is an empty config.
func Parse(file string, data []byte, checks *check.Set) (*Config, error) {
	p := &parser{file: file, checks: checks}
	if len(data) > MaxSize {
		p.add(0, "", fmt.Sprintf("file is larger than %d MiB: refusing to read it", MaxSize>>20))
		return nil, p.errs
	}
	root := p.decode(data)
	cfg := &Config{Path: file, Targets: []Target{}, Decisions: []Decision{}, Waivers: []Waiver{}}
	if root != nil {
		p.config(cfg, root)
	}
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b *Error) int { return a.Pos.Line - b.Pos.Line })
		if p.full {
			p.errs = append(p.errs, &Error{Pos: Pos{File: file},
				Msg: fmt.Sprintf("too many errors: stopped after %d", maxErrors)})
		}
		return nil, p.errs
	}
	return cfg, nil
}

// parser collects the errors of one file while its YAML tree is walked.
type parser struct {
	file   string
	checks *check.Set
	errs   ErrorList
	full   bool
}

// add records an error unless the list is already full.
func (p *parser) add(line int, key, msg string) {
	if p.full {
		return
	}
	if len(p.errs) == maxErrors {
		p.full = true
		return
	}
	p.errs = append(p.errs, &Error{Pos: Pos{File: p.file, Line: line}, Key: key, Msg: msg})
}

func (p *parser) addf(line int, key, format string, args ...any) {
	p.add(line, key, fmt.Sprintf(format, args...))
}

// decode parses data into the root node of its one document. It returns nil
// for an empty document or after an error.
func (p *parser) decode(data []byte) (root *yaml.Node) {
	defer func() {
		// yaml.v3 is not known to panic on v3.0.1, but a config file is
		// untrusted input: a parser bug must be an error, never a crash.
		if r := recover(); r != nil {
			p.add(0, "", "the YAML parser could not read this file")
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if !errors.Is(err, io.EOF) {
			p.yamlError(err)
		}
		return nil
	}
	if !p.rest(dec) {
		return nil
	}
	if doc.Kind != yaml.DocumentNode || isEmpty(&doc) {
		return nil
	}
	return doc.Content[0]
}

// rest reads the documents after the first and reports whether they are
// all empty, as a trailing "---" makes them; any content there would be
// silently ignored, so it is an error.
func (p *parser) rest(dec *yaml.Decoder) bool {
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		switch {
		case errors.Is(err, io.EOF):
			return true
		case err != nil:
			p.yamlError(err)
			return false
		case !isEmpty(&next):
			p.add(next.Line, "", "a second YAML document: the file must hold exactly one")
			return false
		}
	}
}

// isEmpty reports whether doc holds nothing but a null.
func isEmpty(doc *yaml.Node) bool {
	return len(doc.Content) == 0 || (len(doc.Content) == 1 && isNull(doc.Content[0]))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError records a syntax error of the YAML library with its line.
func (p *parser) yamlError(err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.add(line, "", "invalid YAML: "+oneLine(m[2]))
		return
	}
	p.add(0, "", "invalid YAML: "+oneLine(strings.TrimPrefix(msg, "yaml: ")))
}
