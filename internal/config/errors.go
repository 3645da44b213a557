package config

import (
	"fmt"
	"strings"
)

// maxErrors bounds how many errors one file can report; a file that breaks
// more rules than this is not worth reading line by line.
const maxErrors = 100

// Error is one problem in a config file. Key is the path of the offending
// entry, such as decisions[1].review_by, with list indexes counted from 0;
// it is empty for problems of the file as a whole.
type Error struct {
	Pos Pos
	Key string
	Msg string
}

// Error formats e as file:line: key: message. The line is left out when it
// is not known.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.File)
	if e.Pos.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Pos.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found in one config file, in the order of the
// file. Load and Parse return it as their error.
type ErrorList []*Error

// Error joins the errors, one per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the errors so that errors.As finds an *Error in the list.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
