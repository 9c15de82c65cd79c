package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key binding, shown by bubbles/help.
type KeyMap struct {
	Up, Down, Run, Tab, Cancel, Curl, CopyToken, Reveal, Theme, Edit, Validation, Help, Quit, PageUp, PageDown key.Binding
}

// DefaultKeyMap returns the workbench's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Run:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run step")),
		Tab:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "switch pane")),
		Cancel:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Curl:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy as curl")),
		CopyToken:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy token")),
		Reveal:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal secrets")),
		Theme:      key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "theme")),
		Edit:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Validation: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "FakeBook: local ⇄ introspect")),
		Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Quit:       key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		PageUp:     key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "scroll up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "f", " "), key.WithHelp("pgdn", "scroll down")),
	}
}

// ShortHelp is the footer.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Run, k.Up, k.Down, k.Tab, k.Edit, k.Reveal, k.Help, k.Quit}
}

// FullHelp is shown with ?.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Run, k.Cancel, k.Tab},
		{k.PageUp, k.PageDown, k.Edit, k.Curl, k.CopyToken},
		{k.Reveal, k.Theme, k.Validation, k.Help, k.Quit},
	}
}
