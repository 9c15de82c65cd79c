package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key binding, built once by DefaultKeyMap, matched with
// key.Matches and shown by bubbles/help. The Model handles the keys that act
// on the session (run, cancel, reveal, ...); Up, Down and the page keys are
// the panes'; Form holds the forms' keys.
type KeyMap struct {
	Up, Down, Run, Tab, Cancel, Curl, CopyToken, Reveal, Theme, Edit, AddCall, Validation, Help, Quit, PageUp, PageDown key.Binding
	// AddScope, on an API call refused for a missing scope, adds the
	// scope to the machine client's and gets a new token.
	AddScope key.Binding
	Form     FormKeyMap
}

// FormKeyMap are the keys of a form: every other key types into the field.
type FormKeyMap struct {
	Next, Prev, Save, Cancel, Quit key.Binding
}

// DefaultKeyMap returns the workbench's keys, the forms' among them: every
// key is bound here. esc cancels, in a form as while a step runs: one
// binding. A form's quit is ctrl+c alone, since q is a letter to type.
func DefaultKeyMap() KeyMap {
	cancel := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Run:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run step")),
		Tab:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "switch pane")),
		Cancel:     cancel,
		Curl:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy as curl")),
		CopyToken:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy token")),
		Reveal:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal secrets")),
		Theme:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "theme")),
		Edit:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		AddCall:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add an API call")),
		Validation: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "FakeBook: local ⇄ introspect")),
		AddScope:   key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "get a token with the missing scope")),
		Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Quit:       key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		PageUp:     key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "scroll up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "f", " "), key.WithHelp("pgdn", "scroll down")),
		Form: FormKeyMap{
			Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
			Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous")),
			Save:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
			Cancel: cancel,
			Quit:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		},
	}
}

// ShortHelp is a form's footer.
func (k FormKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Save, k.Cancel, k.Quit}
}

// FullHelp is the same keys in one column.
func (k FormKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
