package flows

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// FieldKind is how a body field is written in JSON.
type FieldKind int

const (
	// TextField is a JSON string (the zero value).
	TextField FieldKind = iota
	// NumberField is a JSON number, e.g. 9.99.
	NumberField
	// WholeNumberField is a JSON number without a fraction, e.g. 412.
	WholeNumberField
)

// Field is one member of a JSON request body.
type Field struct {
	Name string
	Kind FieldKind
	// Example is shown when a value is refused.
	Example string
	// Optional leaves the member out of the body when its value is empty.
	Optional bool
}

// BookFields are FakeBook's book, the body of POST /books. The id is a
// JSON integer, as in the tutorial's FakeBook; left out, FakeBook gives the
// next free one.
var BookFields = []Field{{Name: "id", Kind: WholeNumberField, Example: "101", Optional: true}, {Name: "title"}, {Name: "author"},
	{Name: "cost", Kind: NumberField, Example: "9.99"}, {Name: "num_pages", Kind: WholeNumberField, Example: "412"}}

// FakeBookCalls are the FakeBook calls a learner makes with a token: two
// reads the demo token may make, a write it may not (403
// insufficient_scope), and a route that needs another scope.
func FakeBookCalls() []APIRequest {
	return []APIRequest{
		{Method: "GET", Path: "/books"},
		{Method: "GET", Path: "/books/1"},
		{Method: "POST", Path: "/books", Body: []byte(`{"id":101,"title":"Dune","author":"Frank Herbert","cost":9.99,"num_pages":412}`), Fields: BookFields},
		{Method: "GET", Path: "/api/private-scoped"},
	}
}

// FieldValues are the body's value of each of r.Fields, as text ("" when
// the body lacks it).
func (r APIRequest) FieldValues() []string {
	var body map[string]any
	_ = json.Unmarshal(r.Body, &body)
	out := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		if v, ok := body[f.Name]; ok {
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

// WithFields returns r with its body built from values, one per field of
// r.Fields. A number that is not one is refused rather than sent; an empty
// text is sent, so the server's 400 can be seen.
func (r APIRequest) WithFields(values []string) (APIRequest, error) {
	if len(values) != len(r.Fields) {
		return r, fmt.Errorf("%d values for %d fields", len(values), len(r.Fields))
	}
	body := map[string]any{}
	for i, f := range r.Fields {
		v := strings.TrimSpace(values[i])
		if v == "" && f.Optional {
			continue
		}
		switch f.Kind {
		case NumberField:
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return r, fmt.Errorf("%s must be a number, e.g. %s", f.Name, f.Example)
			}
			body[f.Name] = n
		case WholeNumberField:
			n, err := strconv.Atoi(v)
			if err != nil {
				if f.Optional {
					return r, fmt.Errorf("%s must be a whole number, e.g. %s, or empty", f.Name, f.Example)
				}
				return r, fmt.Errorf("%s must be a whole number, e.g. %s", f.Name, f.Example)
			}
			body[f.Name] = n
		default:
			body[f.Name] = v
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return r, err
	}
	r.Body = b
	return r, nil
}
