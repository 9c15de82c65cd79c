package ui

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/internal/safe"
)

// outcome is where a form stands.
type outcome int

const (
	editing outcome = iota
	saved
	cancelled
	quitting // ctrl+c: the user leaves the program
)

// modal is an open form: it has every key until it is saved or left; the
// Model then reads its outcome and applies it.
type modal interface {
	Component
	outcome() outcome
}

// form is a column of labelled text fields, moved through and saved with
// the form keys (KeyMap.Form); every other key types. What the fields
// mean is its owner's: check refuses what cannot be saved.
type form struct {
	Common
	title, note string
	labels      []string
	labelWidth  int
	inputs      []textinput.Model
	inputWidth  int // the fields' width on a window wide enough
	focus       int
	err         string
	state       outcome
	help        help.Model
}

func newForm(c Common, title string, labels, values []string, inputWidth int) form {
	f := form{Common: c, title: title, labels: labels, help: help.New(), inputWidth: inputWidth}
	for _, l := range labels {
		f.labelWidth = max(f.labelWidth, len(l)+1)
	}
	for _, v := range values {
		ti := textinput.New()
		// A value can come from a profile file. textinput drops C0 and C1
		// controls but keeps a bidi override; safe.Line shows them all, and
		// the field then holds what it shows, which saving keeps.
		ti.SetValue(safe.Line(v))
		ti.CharLimit = 2048
		ti.Width = inputWidth
		f.inputs = append(f.inputs, ti)
	}
	f.inputs[0].Focus()
	f.SetSize(c.Width, c.Height)
	return f
}

func (f *form) outcome() outcome { return f.state }

// SetSize fits the fields to the window: a field running past its edge
// would hide what is typed there (the terminal cuts the line), so on a
// narrow window it scrolls within the width left.
func (f *form) SetSize(width, height int) {
	f.Common.SetSize(width, height)
	for i := range f.inputs {
		room := width - 4 - f.labelWidth - 1 - lipgloss.Width(f.inputs[i].Prompt) - 1 // the padding, the label, the prompt, the cursor
		f.inputs[i].Width = max(10, min(f.inputWidth, room))
	}
}

// update handles a key: the form keys move, save (when check passes) or
// leave; any other key goes to the focused field.
func (f *form) update(msg tea.Msg, check func() error) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	keys := f.Keys.Form
	switch {
	case key.Matches(k, keys.Quit):
		f.state = quitting
	case key.Matches(k, keys.Cancel):
		f.state = cancelled
	case key.Matches(k, keys.Next):
		f.move(1)
	case key.Matches(k, keys.Prev):
		f.move(-1)
	case key.Matches(k, keys.Save):
		if err := check(); err != nil {
			f.err = err.Error()
			return nil
		}
		f.state = saved
	default:
		if k.Type == tea.KeyRunes {
			k.Runes = showBidi(k.Runes)
		}
		var cmd tea.Cmd
		f.inputs[f.focus], cmd = f.inputs[f.focus].Update(k)
		return cmd
	}
	return nil
}

// showBidi makes the bidi overrides in typed or pasted runes visible, as
// newForm shows them in a value. The other hidden characters are controls,
// which textinput drops or turns into spaces itself (a pasted token's
// trailing newline must not become a literal \n).
func showBidi(rs []rune) []rune {
	out := rs[:0:0]
	for _, r := range rs {
		if safe.Hidden(r) && !unicode.IsControl(r) {
			out = append(out, []rune(safe.Line(string(r)))...)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (f *form) move(d int) {
	f.inputs[f.focus].Blur()
	f.focus = (f.focus + d + len(f.inputs)) % len(f.inputs)
	f.inputs[f.focus].Focus()
}

func (f *form) value(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }

// Init does nothing: the form waits for keys.
func (f *form) Init() tea.Cmd { return nil }

// ShortHelp names the form's keys.
func (f *form) ShortHelp() []key.Binding { return f.Keys.Form.ShortHelp() }

// FullHelp names the form's keys.
func (f *form) FullHelp() [][]key.Binding { return f.Keys.Form.FullHelp() }

// View draws the title, the fields, the error and the keys.
func (f *form) View() string {
	s := f.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render(safe.Line(f.title)) + "\n\n")
	for i, ti := range f.inputs {
		label := fmt.Sprintf("%-*s", f.labelWidth, f.labels[i])
		if i == f.focus {
			label = s.Selected.Render(label)
		} else {
			label = s.Muted.Render(label)
		}
		b.WriteString(label + " " + ti.View() + "\n")
	}
	// A hint wider than its field is cut there: the focused field's is
	// shown whole below, wrapped.
	if in := f.inputs[f.focus]; in.Value() == "" && lipgloss.Width(in.Placeholder) > in.Width-lipgloss.Width(in.Prompt) { // textinput's own measure
		b.WriteString("\n" + lipgloss.NewStyle().Width(max(10, f.Width-4)).Render(s.Muted.Render(f.labels[f.focus]+": "+in.Placeholder)) + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + s.Fail.Render(safe.Line(f.err)) + "\n")
	}
	f.help.Styles = s.HelpStyles()
	f.help.Width = max(0, f.Width-4) // whole keys, never one cut by the window's edge
	// The note has a line of its own: after the keys it went past the
	// edge of a 120-column terminal, which cuts it.
	if f.note != "" {
		b.WriteString("\n" + s.Muted.Render(f.note))
	}
	b.WriteString("\n" + f.help.ShortHelpView(f.ShortHelp()))
	return lipgloss.NewStyle().Padding(1, 2).Render(b.String())
}
