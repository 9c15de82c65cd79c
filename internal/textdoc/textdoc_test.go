package textdoc

import (
	"reflect"
	"strings"
	"testing"
)

var schema = Schema{Level: 2, Required: []string{"Title", "Story"}, Optional: []string{"Retry"}}

const doc = `# A handbook

Prose for the reader: Title: is not a field here.

    ## an indented example is not a heading

## first

Title: the first

Story: a story wrapped
over two lines.

Retry: yes

## second

Title: the second

Story: one line
`

func TestParse(t *testing.T) {
	got, err := schema.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Name: "first", Line: 7, Fields: map[string]string{"Title": "the first", "Story": "a story wrapped over two lines.", "Retry": "yes"}},
		{Name: "second", Line: 16, Fields: map[string]string{"Title": "the second", "Story": "one line"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// A document checked out with CRLF line ends (Git for Windows' default)
// reads as the same entries: go:embed keeps the bytes as they are.
func TestParseCRLF(t *testing.T) {
	want, err := schema.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got, err := schema.Parse([]byte(strings.ReplaceAll(doc, "\n", "\r\n")))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
}

// Every slip an editor may make is an error that says where.
func TestParseRefusesMalformed(t *testing.T) {
	const entry = "## first\n\nTitle: the first\n\nStory: a story\n"
	tests := []struct {
		name, doc, want string
	}{
		{"missing field", "## first\n\nTitle: the first\n", "first (line 1) has no Story"},
		{"unknown field", entry + "\nMoral: none\n", `unknown field "Moral"`},
		{"no field", entry + "\njust prose\n", `line 7: "just prose" names no field`},
		{"field twice", entry + "\nTitle: again\n", "field Title given twice"},
		{"two entries of one name", entry + "\n" + entry, `a second entry "first" (the first is on line 1)`},
		{"missing blank line", "## first\n\nTitle: the first\nStory: a story\n", `starts a field inside Title's value`},
		{"indented line", "## first\n\nTitle: the first\n  wrapped\n", "starts or ends with white space"},
		{"trailing space", "## first\n\nTitle: the first \n", "starts or ends with white space"},
		{"value starting with a space", "## first\n\nTitle:  the first\n", "field Title is empty or starts with white space"},
		{"deeper heading", entry + "\n### a detail\n", "below the entries' level 2"},
		{"not a heading", "#first\n", "is not a heading"},
		{"empty heading", "## \n", "is not a heading"},
		{"escape in a value", "## first\n\nTitle: \x1b[2J\n", `holds a control character`},
		{"tab in a value", "## first\n\nTitle: the\tfirst\n", `holds a control character`},
		{"bidi override in a heading", "## fir\u202est\n", `holds a control character`},
		{"tab in prose", "# A handbook\n\n\tindented\n", `holds a control character`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := schema.Parse([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %+v, %v; want an error containing %q", got, err, tc.want)
			}
		})
	}
}

// An error names the line it is about: the line of the value, the heading
// of an entry that lacks a field, not a line further on.
func TestParseErrorSaysTheLine(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"## first\n\nTitle:  the first\nwrapped\n\nStory: s\n", "line 3: first: field Title is empty or starts with white space"},
		{"## first\n\nTitle: the first\n\n## second\n\nTitle: t\n\nStory: s\n", "first (line 1) has no Story"},
	}
	for _, tc := range tests {
		if _, err := schema.Parse([]byte(tc.doc)); err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %s", tc.doc, err, tc.want)
		}
	}
}
