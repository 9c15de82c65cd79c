package ui

import (
	"fmt"
	"net/http"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/flows"
)

// requestForm edits one API call, or a new one (a): its path — a path
// under the API base, or a full URL — its method, and its body. A body of
// fields (flows.APIRequest.Fields: POST /books' book) is edited field by
// field, so nobody has to type JSON on a projector; any other body as text.
type requestForm struct {
	form
	api int // -1: a new call, appended on save
	req flows.APIRequest
}

// The first fields of the request form; the body's follow.
const (
	rPath = iota
	rMethod
	rBody
)

func newRequestForm(c Common, api int, req flows.APIRequest) *requestForm {
	labels, vals := []string{"path or URL", "method"}, []string{req.Path, req.Method}
	if len(req.Fields) == 0 {
		labels, vals = append(labels, "body"), append(vals, string(req.Body))
	}
	for i, v := range req.FieldValues() {
		labels, vals = append(labels, req.Fields[i].Name), append(vals, v)
	}
	title := "Edit " + req.Method + " " + req.Path
	if api < 0 {
		title = "Add a call to the API"
	}
	f := &requestForm{form: newForm(c, title, labels, vals, 50), api: api, req: req}
	f.inputs[rPath].Placeholder = "/books/3, or https://api.example.com/orders"
	f.inputs[rMethod].Placeholder = "GET"
	if len(req.Fields) == 0 {
		f.inputs[rBody].Placeholder = "optional, e.g. {\"id\":7,\"title\":\"Dune\"}"
	}
	f.note = "a path goes under the API base (settings: api base)"
	return f
}

// Update edits the fields; enter saves only a request that can be sent.
func (f *requestForm) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return f, f.update(msg, func() error { _, err := f.request(); return err })
}

// methods are what a call may use.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}

// request builds the edited call (flows.APIRequest.WithFields types the
// body's values).
func (f *requestForm) request() (flows.APIRequest, error) {
	r := f.req
	r.Path = f.value(rPath)
	if !strings.HasPrefix(r.Path, "/") && !flows.IsURL(r.Path) {
		return r, fmt.Errorf("the path must start with / (e.g. /books/3) or be a full http(s) URL")
	}
	r.Method = strings.ToUpper(f.value(rMethod))
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	known := false
	for _, m := range methods {
		known = known || m == r.Method
	}
	if !known {
		return r, fmt.Errorf("the method must be one of %s", strings.Join(methods, ", "))
	}
	if len(r.Fields) == 0 {
		r.Body = nil
		if b := f.value(rBody); b != "" {
			r.Body = []byte(b)
		}
		return r, nil
	}
	vals := make([]string, len(r.Fields))
	for i := range vals {
		vals[i] = f.value(rBody + i)
	}
	return r.WithFields(vals)
}
