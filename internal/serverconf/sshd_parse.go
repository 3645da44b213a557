package serverconf

import (
	"fmt"
	"strings"
)

// This file reads sshd_config(5): keyword and arguments per line,
// `Keyword=value`, double quotes, comments, Include with globs relative to
// the directory of the main file, and Match blocks, which last until the
// next Match.

// sshdConfig is a parsed sshd_config.
type sshdConfig struct {
	file    string
	global  []*directive
	matches []sshdMatch
	// notes are Include lines that could not be followed.
	notes []string
}

// sshdMatch is one Match block: its criteria line and its settings.
type sshdMatch struct {
	criteria *directive
	lines    []*directive
}

// parseSSHD parses one file's lines without following includes. Keywords
// are lower-cased; an unterminated quote is an error naming the line.
func parseSSHD(file string, data []byte) ([]*directive, error) {
	var out []*directive
	for i, raw := range strings.Split(string(data), "\n") {
		args, err := sshdFields(raw)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, i+1, err)
		}
		if len(args) == 0 {
			continue
		}
		out = append(out, &directive{Name: strings.ToLower(args[0]), Args: args[1:],
			File: file, Line: i + 1})
	}
	return out, nil
}

// sshdFields splits a line into keyword and arguments. The first `=` may
// separate the keyword from its value; `#` at the start of a word begins a
// comment.
func sshdFields(line string) ([]string, error) {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "#") {
		return nil, nil
	}
	end := strings.IndexAny(line, " \t=")
	if end < 0 {
		return []string{line}, nil
	}
	out := []string{line[:end]}
	line = strings.TrimLeft(line[end:], " \t")
	line = strings.TrimPrefix(line, "=")
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			return out, nil
		case c == '"':
			end := strings.IndexByte(line[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quoted string")
			}
			out = append(out, line[i+1:i+1+end])
			i += end + 2
		default:
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '\r' {
				j++
			}
			out = append(out, line[i:j])
			i = j
		}
	}
	return out, nil
}

// loadSSHD parses main, follows its Include lines and splits the result
// into global settings and Match blocks.
func loadSSHD(fs *fsys, main string) (*sshdConfig, map[string]bool, error) {
	cfg := &sshdConfig{file: main}
	included := map[string]bool{}
	lines, err := sshdExpand(fs, dirOf(main), main, 0, included, cfg)
	if err != nil {
		return nil, nil, err
	}
	cfg.split(lines)
	return cfg, included, nil
}

// split sorts lines into the global section and the Match blocks.
func (cfg *sshdConfig) split(lines []*directive) {
	cur := -1
	for _, d := range lines {
		if d.Name == "match" {
			cfg.matches = append(cfg.matches, sshdMatch{criteria: d})
			cur = len(cfg.matches) - 1
			continue
		}
		if cur < 0 {
			cfg.global = append(cfg.global, d)
		} else {
			cfg.matches[cur].lines = append(cfg.matches[cur].lines, d)
		}
	}
}

// sshdExpand returns the lines of file with Include lines replaced by the
// lines of the files they name, in glob order.
func sshdExpand(fs *fsys, prefix, file string, depth int, included map[string]bool,
	cfg *sshdConfig) ([]*directive, error) {
	if depth > maxIncludeDepth {
		return nil, fmt.Errorf("%s: includes nested more than %d deep", file, maxIncludeDepth)
	}
	data, err := fs.read(file)
	if err != nil {
		return nil, err
	}
	lines, err := parseSSHD(file, data)
	if err != nil {
		return nil, err
	}
	var out []*directive
	for _, d := range lines {
		if d.Name != "include" {
			out = append(out, d)
			continue
		}
		for _, pat := range d.Args {
			rel, ok := resolve(prefix, pat)
			if !ok {
				cfg.notes = append(cfg.notes, fmt.Sprintf("%s:%d: Include %s is outside the "+
					"scanned directory and was not read", d.File, d.Line, pat))
				continue
			}
			for _, f := range fs.glob(rel) {
				included[f] = true
				got, err := sshdExpand(fs, prefix, f, depth+1, included, cfg)
				if err != nil {
					return nil, err
				}
				out = append(out, got...)
			}
		}
	}
	return out, nil
}

// first returns the first line setting keyword in lines: sshd keeps the
// first value it reads.
func first(lines []*directive, keyword string) *directive {
	for _, d := range lines {
		if d.Name == keyword && len(d.Args) > 0 {
			return d
		}
	}
	return nil
}

// value returns the first argument of the first line setting keyword, or
// def when none does.
func value(lines []*directive, keyword, def string) string {
	if d := first(lines, keyword); d != nil {
		return d.Args[0]
	}
	return def
}

// sshdSeconds reads an sshd time value: "300", "5m", "1h30m".
func sshdSeconds(v string) (int, bool) {
	total, n, digits := 0, 0, false
	for _, c := range strings.ToLower(v) {
		switch {
		case c >= '0' && c <= '9':
			n, digits = n*10+int(c-'0'), true
			if n > 1<<30 {
				return 0, false
			}
		case digits && strings.ContainsRune("smhdw", c):
			total += n * map[rune]int{'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}[c]
			n, digits = 0, false
		default:
			return 0, false
		}
		if total > 1<<40 {
			return 0, false
		}
	}
	return total + n, v != ""
}
