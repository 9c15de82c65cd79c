package fakebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode"
)

// MaxBodyBytes bounds a request body: a book is a few hundred bytes.
const MaxBodyBytes = 16 << 10

// MaxID is the largest book id; ids are whole numbers from 1, as in the
// tutorial's Flask FakeBook (FakeBook(1, "And Then There Were None", ...)).
const MaxID = math.MaxInt32

// fieldError is a 400 naming the field that is wrong.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// bodyError carries the status a bad body deserves: 413, 415 or 400.
type bodyError struct {
	status int
	field  string
	msg    string
}

func badRequest(field, msg string) *bodyError {
	return &bodyError{http.StatusBadRequest, field, msg}
}

// readBook reads and validates a JSON book from r. An id left out (or
// null) is 0: a POST then gets the next free id, a PUT the URL's.
func readBook(w http.ResponseWriter, r *http.Request) (Book, *bodyError) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		shown := ct
		if shown == "" {
			shown = "none"
		}
		return Book{}, &bodyError{http.StatusUnsupportedMediaType, "", fmt.Sprintf("send the book as JSON with Content-Type: application/json (got %s)", shown)}
	}
	if r.ContentLength > MaxBodyBytes {
		return Book{}, &bodyError{http.StatusRequestEntityTooLarge, "", fmt.Sprintf("the body is %d bytes; a book must fit in %d", r.ContentLength, MaxBodyBytes)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return Book{}, &bodyError{http.StatusRequestEntityTooLarge, "", fmt.Sprintf("the body is more than %d bytes", MaxBodyBytes)}
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return Book{}, badRequest("", "the body took too long to arrive; send the whole book at once")
		}
		return Book{}, badRequest("", "could not read the body: "+err.Error())
	}
	b, be := decodeBook(body)
	if be != nil {
		return Book{}, be
	}
	if fe := b.validate(); fe != nil {
		return Book{}, badRequest(fe.field, fe.msg)
	}
	return b, nil
}

// decodeBook reads one JSON object member by member. encoding/json alone
// would match keys case-insensitively ("Title" would fill title) and keep
// the last of two equal keys; here a key must be spelled exactly and
// appear once, and a wrong type is named with its field.
func decodeBook(body []byte) (Book, *bodyError) {
	var b Book
	d := json.NewDecoder(bytes.NewReader(body))
	tok, err := d.Token()
	if err != nil {
		return b, jsonError(err)
	}
	if tok != json.Delim('{') {
		return b, badRequest("", "the body must be a JSON object (a book), not "+jsonKindOf(tok))
	}
	seen := map[string]bool{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return b, jsonError(err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return b, jsonError(err)
		}
		if seen[key] {
			return b, badRequest(key, fmt.Sprintf("%q appears twice; send each field once", key))
		}
		seen[key] = true
		var be *bodyError
		switch key {
		case "id":
			be = decodeInt(raw, key, &b.ID, `"id": 6`)
		case "title":
			be = decodeString(raw, key, &b.Title)
		case "author":
			be = decodeString(raw, key, &b.Author)
		case "cost":
			be = decodeNumber(raw, key, &b.Cost)
		case "num_pages":
			be = decodeInt(raw, key, &b.NumPages, `"num_pages": 300`)
		default:
			be = badRequest(key, fmt.Sprintf("unknown field %q; a book has id, title, author, cost, num_pages (spelled exactly so)", key))
		}
		if be != nil {
			return b, be
		}
	}
	if _, err := d.Token(); err != nil { // the closing brace
		return b, jsonError(err)
	}
	if _, err := d.Token(); err != io.EOF {
		return b, badRequest("", "the body has data after the book object; send one object")
	}
	return b, nil
}

func decodeString(raw json.RawMessage, field string, dst *string) *bodyError {
	if err := json.Unmarshal(raw, dst); err != nil {
		return badRequest(field, fmt.Sprintf("%s must be a JSON string, not %s", field, jsonKindOfRaw(raw)))
	}
	return nil
}

func decodeNumber(raw json.RawMessage, field string, dst *float64) *bodyError {
	if err := json.Unmarshal(raw, dst); err != nil {
		return badRequest(field, fmt.Sprintf("%s must be a JSON number, e.g. 7.99, not %s", field, jsonKindOfRaw(raw)))
	}
	return nil
}

// decodeInt reads a JSON integer: "6" (a string) and 6.5 are refused, as
// the tutorial's server refuses them.
func decodeInt(raw json.RawMessage, field string, dst *int, example string) *bodyError {
	if string(raw) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		kind := jsonKindOfRaw(raw)
		if kind == "a number" {
			kind = "the number " + string(raw)
		}
		return badRequest(field, fmt.Sprintf("%s must be a JSON integer, e.g. %s, not %s", field, example, kind))
	}
	if n < 1 || n > MaxID {
		return badRequest(field, fmt.Sprintf("%s must be between 1 and %d", field, MaxID))
	}
	*dst = int(n)
	return nil
}

// jsonKindOfRaw names the JSON type of one value, for an error message.
func jsonKindOfRaw(raw json.RawMessage) string {
	switch {
	case len(raw) == 0:
		return "nothing"
	case raw[0] == '"':
		return "a string"
	case raw[0] == '{':
		return "an object"
	case raw[0] == '[':
		return "an array"
	case raw[0] == 't' || raw[0] == 'f':
		return "a boolean"
	case raw[0] == 'n':
		return "null"
	}
	return "a number"
}

func jsonKindOf(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a number"
}

func jsonError(err error) *bodyError {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return badRequest("", fmt.Sprintf("the body is not valid JSON (at byte %d): %v", se.Offset, err))
	case errors.Is(err, io.EOF):
		return badRequest("", "the body is empty; send a book as a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "the body ends in the middle of the JSON object")
	}
	return badRequest("", "the body is not a valid book: "+err.Error())
}

// validate names the first field that is wrong. The id is checked while
// decoding; 0 means none was sent.
func (b *Book) validate() *fieldError {
	b.Title, b.Author = strings.TrimSpace(b.Title), strings.TrimSpace(b.Author)
	if fe := textField("title", b.Title); fe != nil {
		return fe
	}
	if fe := textField("author", b.Author); fe != nil {
		return fe
	}
	switch {
	case b.Cost < 0 || math.IsNaN(b.Cost) || b.Cost > 1e6:
		return &fieldError{"cost", "cost must be between 0 and 1000000"}
	case b.NumPages <= 0 || b.NumPages > 100000:
		return &fieldError{"num_pages", "num_pages must be between 1 and 100000"}
	}
	return nil
}

// textField checks a required line of text of at most 200 bytes, free of
// control characters.
func textField(name, v string) *fieldError {
	switch {
	case v == "":
		return &fieldError{name, name + " is required"}
	case len(v) > 200:
		return &fieldError{name, name + " must be at most 200 bytes"}
	case strings.IndexFunc(v, controlRune) >= 0:
		return &fieldError{name, name + " must not contain control characters (" + firstControl(v) + ")"}
	}
	return nil
}

// controlRune is a C0 or C1 control character (an escape sequence, a
// newline) or a bidirectional control (U+202A–U+202E, U+2066–U+2069), which
// would make a title print one thing and be another.
func controlRune(r rune) bool {
	return unicode.IsControl(r) || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// firstControl names the first control character of s as U+XXXX.
func firstControl(s string) string {
	i := strings.IndexFunc(s, controlRune)
	r := []rune(s[i:])[0]
	return fmt.Sprintf("U+%04X", r)
}

// parseID reads an id from a URL: digits only, no sign or leading zero, so
// that one book has one URL.
func parseID(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxID || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}
