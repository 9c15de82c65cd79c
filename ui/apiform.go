package ui

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
)

// apiForm edits one FakeBook call: its path, and for POST /books the book
// itself, field by field, so nobody has to type JSON on a projector.
type apiForm struct {
	api    int
	req    flows.APIRequest
	labels []string
	inputs []textinput.Model
	focus  int
	err    string
}

var bookFields = []string{"id", "title", "author", "cost", "num_pages"}

func newAPIForm(api int, req flows.APIRequest) *apiForm {
	f := &apiForm{api: api, req: req, labels: []string{"path"}}
	vals := []string{req.Path}
	if req.Method == "POST" {
		var book map[string]any
		_ = json.Unmarshal(req.Body, &book)
		for _, k := range bookFields {
			f.labels = append(f.labels, k)
			v := ""
			if x, ok := book[k]; ok {
				v = fmt.Sprint(x)
			}
			vals = append(vals, v)
		}
	}
	for _, v := range vals {
		ti := textinput.New()
		ti.SetValue(v)
		ti.Width = 50
		f.inputs = append(f.inputs, ti)
	}
	f.inputs[0].Focus()
	return f
}

// request builds the edited call; a number that is not one is refused here
// rather than sent, but an empty field is sent so FakeBook's 400 can be seen.
func (f *apiForm) request() (flows.APIRequest, error) {
	r := f.req
	r.Path = strings.TrimSpace(f.inputs[0].Value())
	if !strings.HasPrefix(r.Path, "/") {
		return r, fmt.Errorf("the path must start with /, e.g. /books/3")
	}
	if r.Method != "POST" {
		return r, nil
	}
	book := map[string]any{}
	for i, k := range bookFields {
		v := strings.TrimSpace(f.inputs[i+1].Value())
		switch k {
		case "cost":
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return r, fmt.Errorf("cost must be a number, e.g. 9.99")
			}
			book[k] = n
		case "num_pages":
			n, err := strconv.Atoi(v)
			if err != nil {
				return r, fmt.Errorf("num_pages must be a whole number, e.g. 412")
			}
			book[k] = n
		default:
			book[k] = v
		}
	}
	b, _ := json.Marshal(book)
	r.Body = b
	return r, nil
}

func (m Model) updateAPIForm(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	f := m.apiForm
	switch msg.String() {
	case "esc":
		m.apiForm = nil
		return m, nil
	case "tab", "down":
		f.inputs[f.focus].Blur()
		f.focus = (f.focus + 1) % len(f.inputs)
		f.inputs[f.focus].Focus()
		return m, nil
	case "shift+tab", "up":
		f.inputs[f.focus].Blur()
		f.focus = (f.focus - 1 + len(f.inputs)) % len(f.inputs)
		f.inputs[f.focus].Focus()
		return m, nil
	case "enter":
		req, err := f.request()
		if err != nil {
			f.err = err.Error()
			return m, nil
		}
		m.opts.APICalls[f.api] = req
		m.apis[f.api] = flows.CallAPI(req)
		delete(m.state, stepKey(item{flow: -1, step: -1, api: f.api}))
		m.apiForm = nil
		m.flash = "saved: enter sends " + req.Method + " " + req.Path
		m.refresh()
		return m, nil
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return m, cmd
}

func (m Model) viewAPIForm() string {
	s, f := m.styles, m.apiForm
	var b strings.Builder
	b.WriteString(s.Title.Render(safe.Line("Edit "+f.req.Method+" "+f.req.Path)) + "\n\n")
	for i, ti := range f.inputs {
		label := fmt.Sprintf("%-10s", f.labels[i])
		if i == f.focus {
			label = s.Selected.Render(label)
		} else {
			label = s.Muted.Render(label)
		}
		b.WriteString(label + " " + ti.View() + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + s.Fail.Render(safe.Line(f.err)) + "\n")
	}
	b.WriteString("\n" + s.Muted.Render("tab/↓ next field · enter saves · esc cancels"))
	return lipgloss.NewStyle().Padding(1, 2).Render(b.String())
}
