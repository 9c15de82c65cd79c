// Package textdoc reads the Markdown documents oauthlab keeps its texts in
// (the explanations of error codes, the lab handbook): a person edits them
// as documents, the program reads them as lists of entries.
//
// The format is small and strict, so a slip is an error rather than a text
// quietly lost or changed:
//
//   - Lines end with LF or CRLF.
//   - A heading of the entry level ("## name" at level 2) starts an entry
//     called name. Headings of a higher level ("# ...") and the prose under
//     them are for the reader and skipped; a heading of a lower level is an
//     error.
//   - An entry is fields, one paragraph each, paragraphs separated by blank
//     lines: "Name: value". A value may be wrapped over several lines; they
//     are joined with one space. Its text is literal: no Markdown inside it
//     is interpreted.
//   - These are errors: a field the schema does not name, a paragraph that
//     names none, a field given twice, an empty value, a required field
//     missing, two entries of one name, a line of an entry that starts or
//     ends with white space, a wrapped line that starts with a field's
//     name (a field of its own, missing the blank line before it), and a
//     line, prose too, holding what safe.Line would escape (a control
//     character, a tab, a bidi override): the texts are written raw to a
//     terminal.
package textdoc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// Schema is what a document's entries hold.
type Schema struct {
	// Level is the heading level of an entry: 2 for "## name".
	Level int
	// Required are the fields every entry has; Optional the ones it may
	// have.
	Required, Optional []string
}

// Entry is one section of a document.
type Entry struct {
	// Name is the text of the entry's heading.
	Name string
	// Line is where the heading stands, for messages.
	Line int
	// Fields are the entry's values by field name.
	Fields map[string]string
}

// Parse returns the entries of src in the order they stand.
func (s Schema) Parse(src []byte) ([]Entry, error) {
	p := parser{schema: s}
	for i, line := range strings.Split(string(src), "\n") {
		// A checkout may end lines with CRLF (Git for Windows converts
		// by default), and go:embed keeps the bytes as they are.
		if err := p.line(i+1, strings.TrimSuffix(line, "\r")); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	p.endEntry()
	for _, e := range p.entries {
		for _, f := range s.Required {
			if e.Fields[f] == "" {
				return nil, fmt.Errorf("%s (line %d) has no %s", e.Name, e.Line, f)
			}
		}
	}
	return p.entries, nil
}

type parser struct {
	schema  Schema
	entries []Entry
	in      *Entry // the entry being read, nil in prose
	field   string // the field being read, "" between paragraphs
	lines   []string
}

func (p *parser) line(n int, line string) error {
	if !safe.Harmless(line) {
		return fmt.Errorf("%q holds a control character, a tab or a bidi override: a terminal would act on it or show the text other than it is", line)
	}
	if strings.HasPrefix(line, "#") {
		return p.heading(n, line)
	}
	if p.in == nil {
		return nil // prose
	}
	if line == "" {
		p.endField()
		return nil
	}
	if strings.TrimSpace(line) != line {
		return fmt.Errorf("%q starts or ends with white space", line)
	}
	if p.field == "" {
		name, value, ok := strings.Cut(line, ": ")
		switch {
		case !ok:
			return fmt.Errorf("%q names no field (want Name: value, with Name one of %s)", line, p.schema.names())
		case !slices.Contains(p.schema.Required, name) && !slices.Contains(p.schema.Optional, name):
			return fmt.Errorf("unknown field %q (want one of %s)", name, p.schema.names())
		case p.in.Fields[name] != "":
			return fmt.Errorf("%s: field %s given twice", p.in.Name, name)
		case strings.TrimSpace(value) != value:
			return fmt.Errorf("%s: field %s is empty or starts with white space", p.in.Name, name)
		}
		p.field, p.lines = name, []string{value}
		return nil
	}
	for _, f := range p.schema.names() {
		if strings.HasPrefix(line, f+": ") {
			return fmt.Errorf("%q starts a field inside %s's value: put a blank line before it", line, p.field)
		}
	}
	p.lines = append(p.lines, line)
	return nil
}

func (p *parser) heading(n int, line string) error {
	hashes := strings.TrimLeft(line, "#")
	level := len(line) - len(hashes)
	name, ok := strings.CutPrefix(hashes, " ")
	if !ok || name == "" || strings.TrimSpace(name) != name {
		return fmt.Errorf("%q is not a heading (want #s, one space, a title)", line)
	}
	if level > p.schema.Level {
		return fmt.Errorf("%q is below the entries' level %d", line, p.schema.Level)
	}
	p.endEntry()
	if level < p.schema.Level {
		return nil
	}
	for _, e := range p.entries {
		if e.Name == name {
			return fmt.Errorf("a second entry %q (the first is on line %d)", name, e.Line)
		}
	}
	p.in = &Entry{Name: name, Line: n, Fields: map[string]string{}}
	return nil
}

func (p *parser) endField() {
	if p.field != "" {
		p.in.Fields[p.field] = strings.Join(p.lines, " ")
		p.field, p.lines = "", nil
	}
}

func (p *parser) endEntry() {
	if p.in != nil {
		p.endField()
		p.entries = append(p.entries, *p.in)
		p.in = nil
	}
}

func (s Schema) names() []string {
	return slices.Concat(s.Required, s.Optional)
}
