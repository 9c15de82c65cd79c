package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// flowList is the left pane: every flow, the open flow's steps, then the
// API calls, with a cursor.
type flowList struct {
	Common
	cursor int
}

func newFlowList(c Common) *flowList { return &flowList{Common: c} }

// Init does nothing: the list has nothing to wait for.
func (l *flowList) Init() tea.Cmd { return nil }

// Update moves the cursor.
func (l *flowList) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, l.Keys.Up):
			l.move(-1)
		case key.Matches(k, l.Keys.Down):
			l.move(1)
		}
	}
	return l, nil
}

// ShortHelp names the list's keys.
func (l *flowList) ShortHelp() []key.Binding { return []key.Binding{l.Keys.Up, l.Keys.Down} }

// FullHelp names the list's keys.
func (l *flowList) FullHelp() [][]key.Binding { return [][]key.Binding{l.ShortHelp()} }

// move moves the cursor, round; the walk of enter ends.
func (l *flowList) move(d int) {
	n := len(l.items())
	l.cursor = (l.cursor + d + n) % n
	l.S.runs.walk = none
}

// items lists the rows: every flow, the open flow's steps, then the API
// calls.
func (l *flowList) items() []item {
	var out []item
	for i, f := range l.S.runs.flows {
		out = append(out, flowRow(i))
		if i == l.S.open {
			for j := range f.Steps {
				out = append(out, stepRow(i, j))
			}
		}
	}
	for i := range l.S.runs.apis {
		out = append(out, apiRow(i))
	}
	return out
}

func (l *flowList) selected() item {
	its := l.items()
	return its[min(l.cursor, len(its)-1)]
}

func (l *flowList) indexOf(it item) int {
	for i, x := range l.items() {
		if x == it {
			return i
		}
	}
	return l.cursor
}

// selectRow puts the cursor on it, opening its flow.
func (l *flowList) selectRow(it item) {
	if it.api < 0 {
		l.S.open = it.flow
	}
	l.cursor = l.indexOf(it)
}

// View draws the rows that fit, the cursor's among them.
func (l *flowList) View() string {
	s := l.Styles
	var rows []string
	apiHeader, labHeader := false, false
	at := 0 // the cursor's line
	for i, it := range l.items() {
		if it.api >= 0 && !apiHeader {
			rows = append(rows, "", l.apiTitle())
			apiHeader = true
		}
		if _, lab := l.S.labOf(it.flow); lab && !labHeader {
			rows = append(rows, "", l.labsTitle())
			labHeader = true
		}
		cursor := "  "
		if i == l.cursor {
			cursor = s.Selected.Render("▸ ")
			at = len(rows)
		}
		// Never wider than the pane: a row that wrapped would push the
		// screen off the terminal.
		rows = append(rows, truncate(cursor+l.label(it, i == l.cursor), l.Width))
	}
	if h := l.Height; len(rows) > h {
		start := min(max(0, at-h/2), len(rows)-h)
		rows = rows[start : start+h]
	}
	return strings.Join(rows, "\n")
}

// label is a row's text: a flow's title, or a step's or call's status and
// title, fitted to the pane.
func (l *flowList) label(it item, selected bool) string {
	s, r := l.Styles, l.S.runs
	switch {
	case it.api >= 0:
		st, _ := r.stepOf(it)
		return truncate(l.statusIcon(r.stateOf(it))+" "+safe.Line(st.Title), l.Width)
	case it.step < 0:
		mark := "▹"
		if it.flow == l.S.open {
			mark = "▿"
		}
		// Fitted like a step's title: a wrapped flow title would push
		// every row below it down a line.
		title := r.flows[it.flow].Title
		if lab, ok := l.S.labOf(it.flow); ok {
			// Under "Labs": the name oauthlab lab takes, then the title.
			title = lab.Name + " · " + lab.Title
		}
		label := mark + " " + ellipsize(safe.Line(title), l.Width-4)
		if selected {
			return s.Selected.Render(label)
		}
		return s.Title.Render(label)
	}
	title := safe.Line(r.flows[it.flow].Steps[it.step].Title)
	return "  " + l.statusIcon(r.stateOf(it)) + " " + ellipsize(title, l.Width-6)
}

// labsTitle heads the labs.
func (l *flowList) labsTitle() string {
	return l.Styles.Title.Render("Labs") + l.Styles.Muted.Render(ellipsize(" · attacks on a weakened world", l.Width-4))
}

// apiTitle heads the API calls: FakeBook's, another API's base URL, or
// what to set when there is none.
func (l *flowList) apiTitle() string {
	s := l.Styles
	base := l.S.clients.Machine.APIBase
	switch {
	case base != "" && base == l.S.fakeBook:
		return s.Title.Render("FakeBook API") + l.fakeBookMode()
	case base == "":
		return s.Title.Render("API") + s.Muted.Render(ellipsize(" · no base URL (e: api base)", l.Width-3))
	}
	return s.Title.Render("API") + s.Muted.Render(ellipsize(" · "+safe.Line(base), l.Width-3))
}

// fakeBookMode names how the embedded FakeBook checks tokens, beside its
// title.
func (l *flowList) fakeBookMode() string {
	fb := l.S.fakeBookIntrospects
	if fb == nil {
		return ""
	}
	mode := "local check"
	if fb() {
		mode = "introspects"
	}
	return l.Styles.Muted.Render(" · " + mode + " (v)")
}
