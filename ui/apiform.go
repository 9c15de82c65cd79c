package ui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/flows"
)

// requestForm edits one API call: its path, and when the request has a
// body of fields (flows.APIRequest.Fields: POST /books' book), each field,
// so nobody has to type JSON on a projector.
type requestForm struct {
	form
	api int
	req flows.APIRequest
}

func newRequestForm(c Common, api int, req flows.APIRequest) *requestForm {
	labels, vals := []string{"path"}, []string{req.Path}
	for i, v := range req.FieldValues() {
		labels, vals = append(labels, req.Fields[i].Name), append(vals, v)
	}
	return &requestForm{form: newForm(c, "Edit "+req.Method+" "+req.Path, labels, vals, 50), api: api, req: req}
}

// Update edits the fields; enter saves only a request that can be sent.
func (f *requestForm) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return f, f.update(msg, func() error { _, err := f.request(); return err })
}

// request builds the edited call (flows.APIRequest.WithFields types the
// body's values).
func (f *requestForm) request() (flows.APIRequest, error) {
	r := f.req
	r.Path = f.value(0)
	if len(r.Path) == 0 || r.Path[0] != '/' {
		return r, fmt.Errorf("the path must start with /, e.g. /books/3")
	}
	if len(r.Fields) == 0 {
		return r, nil
	}
	vals := make([]string, len(r.Fields))
	for i := range vals {
		vals[i] = f.value(i + 1)
	}
	return r.WithFields(vals)
}
