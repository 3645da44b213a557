package postgres

import (
	"strings"
	"unicode"
)

// genericWords are name tokens that describe a job, a team or a purpose
// rather than a person.
var genericWords = map[string]bool{
	"admin": true, "administrator": true, "dba": true, "root": true, "user": true,
	"guest": true, "test": true, "demo": true, "shared": true, "team": true, "staff": true,
	"frontdesk": true, "reception": true, "nurse": true, "doctor": true, "operator": true,
	"support": true, "readonly": true, "temp": true, "sysadmin": true, "superuser": true,
	"office": true, "generic": true, "common": true,
}

// genericToken returns the first token of name that marks it as generic,
// or "" when there is none. The name is cut at _ - . and digits and at
// camelCase boundaries; the whole name with separators removed counts as a
// token too, so front_desk and FrontDesk match frontdesk.
func genericToken(name string) string {
	tokens := nameTokens(name)
	tokens = append([]string{strings.Join(tokens, "")}, tokens...)
	for _, t := range tokens {
		if genericWords[t] {
			return t
		}
	}
	return ""
}

// nameTokens splits a role name into lower-case words; digits separate
// words (nurse2 is nurse).
func nameTokens(name string) []string { return words(name, false) }

// words splits a name into lower-case words at separators and camelCase
// boundaries. With digits, digits are part of words and an upper-case
// letter after one starts a new word; without, digits separate words.
func words(name string, digits bool) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		if !unicode.IsLetter(r) && !(digits && unicode.IsDigit(r)) {
			flush()
			continue
		}
		if i > 0 && unicode.IsUpper(r) && len(cur) > 0 &&
			(unicode.IsDigit(runes[i-1]) || camelBreak(runes, i)) {
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// camelBreak reports whether an upper-case rune at i starts a new word:
// after a lower-case rune (frontDesk), or as the last capital of a run
// followed by lower case (DBAdmin -> DB, Admin).
func camelBreak(runes []rune, i int) bool {
	prev := runes[i-1]
	if unicode.IsLower(prev) {
		return true
	}
	return unicode.IsUpper(prev) && i+1 < len(runes) && unicode.IsLower(runes[i+1])
}
