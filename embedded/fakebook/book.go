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
	"strings"
)

// MaxBodyBytes bounds a request body: a book is a few hundred bytes.
const MaxBodyBytes = 16 << 10

// fieldError is a 400 naming the field that is wrong.
type fieldError struct{ field, msg string }

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

// bodyError carries the status a bad body deserves: 413, 415 or 400.
type bodyError struct {
	status int
	field  string
	msg    string
}

// readBook reads and validates a JSON book from r. defaultID fills a
// missing id (a PUT names the book in its URL).
func readBook(w http.ResponseWriter, r *http.Request, defaultID string) (Book, *bodyError) {
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
		return Book{}, &bodyError{http.StatusBadRequest, "", "could not read the body: " + err.Error()}
	}
	var b Book
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&b); err != nil {
		return Book{}, jsonError(err)
	}
	if d.More() {
		return Book{}, &bodyError{http.StatusBadRequest, "", "the body has data after the book object; send one object"}
	}
	if strings.TrimSpace(b.ID) == "" {
		b.ID = defaultID
	}
	if fe := b.validate(); fe != nil {
		return Book{}, &bodyError{http.StatusBadRequest, fe.field, fe.msg}
	}
	return b, nil
}

func jsonError(err error) *bodyError {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return &bodyError{http.StatusBadRequest, te.Field, fmt.Sprintf("%s must be a JSON %s, not %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)}
	case errors.As(err, &te):
		return &bodyError{http.StatusBadRequest, "", "the body must be a JSON object, not " + te.Value}
	case errors.As(err, &se):
		return &bodyError{http.StatusBadRequest, "", fmt.Sprintf("the body is not valid JSON (at byte %d): %v", se.Offset, err)}
	case errors.Is(err, io.EOF):
		return &bodyError{http.StatusBadRequest, "", "the body is empty; send a book as a JSON object"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &bodyError{http.StatusBadRequest, f, fmt.Sprintf("unknown field %q; a book has id, title, author, cost, num_pages", f)}
	}
	return &bodyError{http.StatusBadRequest, "", "the body is not a valid book: " + err.Error()}
}

func jsonKind(k string) string {
	switch k {
	case "float64", "int":
		return "number"
	}
	return k
}

// validate names the first field that is wrong.
func (b *Book) validate() *fieldError {
	b.ID, b.Title, b.Author = strings.TrimSpace(b.ID), strings.TrimSpace(b.Title), strings.TrimSpace(b.Author)
	switch {
	case b.ID == "":
		return &fieldError{"id", "id is required"}
	case len(b.ID) > 64 || strings.IndexFunc(b.ID, badIDRune) >= 0:
		return &fieldError{"id", "id must be 1 to 64 letters, digits, '-', '_' or '.'"}
	case b.Title == "":
		return &fieldError{"title", "title is required"}
	case len(b.Title) > 200:
		return &fieldError{"title", "title must be at most 200 bytes"}
	case b.Author == "":
		return &fieldError{"author", "author is required"}
	case len(b.Author) > 200:
		return &fieldError{"author", "author must be at most 200 bytes"}
	case b.Cost < 0 || math.IsNaN(b.Cost) || b.Cost > 1e6:
		return &fieldError{"cost", "cost must be between 0 and 1000000"}
	case b.NumPages <= 0 || b.NumPages > 100000:
		return &fieldError{"num_pages", "num_pages must be between 1 and 100000"}
	}
	return nil
}

func badIDRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
}
