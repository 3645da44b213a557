package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// entry is one mapping of the file, such as a target, with its values by key.
// Its methods read typed values and report what is wrong with them.
type entry struct {
	p    *parser
	node *yaml.Node
	key  string // path of the mapping, such as targets[0]
	vals map[string]*yaml.Node
}

// mapping checks that n is a mapping whose keys are all in allowed and
// returns it as an entry. It reports unknown, repeated and non-string keys.
func (p *parser) mapping(n *yaml.Node, key string, allowed ...string) (*entry, bool) {
	if !p.usable(n, key) {
		return nil, false
	}
	if n.Kind != yaml.MappingNode {
		p.addf(n.Line, key, "expected a mapping, found %s", kindName(n))
		return nil, false
	}
	e := &entry{p: p, node: n, key: key, vals: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !p.usable(k, key) {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			p.addf(k.Line, key, "expected a key, found %s", kindName(k))
			continue
		}
		path := join(key, k.Value)
		switch {
		case k.Tag == "!!merge" || k.Value == "<<":
			p.add(k.Line, path, "merge keys are not supported: write the entries out")
		case !slices.Contains(allowed, k.Value):
			p.add(k.Line, path, "unknown key"+hint(k.Value))
		case e.vals[k.Value] != nil:
			p.addf(k.Line, path, "repeated key (first at line %d)", e.vals[k.Value].Line)
		default:
			e.vals[k.Value] = v
		}
	}
	return e, true
}

// hint adds advice to an unknown key that looks like a misplaced secret.
func hint(key string) string {
	if strings.Contains(strings.ToLower(key), "password") {
		return ": put the password in PGPASSWORD or a pgpass file, " +
			"or name its variable in password_env"
	}
	return ""
}

// list returns the items of a sequence; a missing or null value is empty.
func (p *parser) list(n *yaml.Node, key string) []*yaml.Node {
	if n == nil || isNull(n) || !p.usable(n, key) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.addf(n.Line, key, "expected a list, found %s", kindName(n))
		return nil
	}
	return n.Content
}

// scalar returns the text of a scalar; null is the empty string.
func (p *parser) scalar(n *yaml.Node, key string) (string, bool) {
	if !p.usable(n, key) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		p.addf(n.Line, key, "expected a single value, found %s", kindName(n))
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	return n.Value, true
}

// usable reports an alias, which this file format does not follow: an
// alias could expand a small file into a huge config.
func (p *parser) usable(n *yaml.Node, key string) bool {
	if n.Kind == yaml.AliasNode {
		p.add(n.Line, key, "aliases (*name) are not supported: write the value out")
		return false
	}
	return true
}

// line is where the value of name stands, or the mapping when it is absent.
func (e *entry) line(name string) int {
	if v := e.vals[name]; v != nil {
		return v.Line
	}
	return e.node.Line
}

// str returns the optional string value of name.
func (e *entry) str(name string) string {
	v := e.vals[name]
	if v == nil {
		return ""
	}
	s, _ := e.p.scalar(v, join(e.key, name))
	return s
}

// required returns the string value of name, reporting msg when it is
// missing or empty.
func (e *entry) required(name, msg string) string {
	v := e.vals[name]
	if v == nil {
		e.p.add(e.node.Line, join(e.key, name), msg)
		return ""
	}
	s, ok := e.p.scalar(v, join(e.key, name))
	switch {
	case ok && strings.TrimSpace(s) == "":
		e.p.add(v.Line, join(e.key, name), msg)
	case ok && strings.TrimSpace(s) == Placeholder:
		e.p.add(v.Line, join(e.key, name), "still "+Placeholder+
			": fill it in, or delete the entry until it can be documented")
	}
	return s
}

// date returns the date value of name, which is required.
func (e *entry) date(name, missing string) Date {
	s := e.required(name, missing)
	if strings.TrimSpace(s) == "" {
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		e.p.addf(e.line(name), join(e.key, name),
			"%s is not a date of the form YYYY-MM-DD", quote(s))
	}
	return d
}

// strs returns the optional list of non-empty strings under name.
func (e *entry) strs(name string) []string {
	key := join(e.key, name)
	var out []string
	for i, item := range e.p.list(e.vals[name], key) {
		ikey := fmt.Sprintf("%s[%d]", key, i)
		s, ok := e.p.scalar(item, ikey)
		switch {
		case !ok:
		case strings.TrimSpace(s) == "":
			e.p.add(item.Line, ikey, "empty value")
		default:
			out = append(out, s)
		}
	}
	return out
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return "a single value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// join extends a key path; names that are not plain words are quoted.
func join(path, name string) string {
	if !plainKey.MatchString(name) {
		name = quote(name)
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// quote quotes a value from the file for a message, cut to a readable length.
func quote(s string) string {
	const limit = 64
	if r := []rune(s); len(r) > limit {
		return strconv.Quote(string(r[:limit])) + "..."
	}
	return strconv.Quote(s)
}

// oneLine keeps a message from the YAML library on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
