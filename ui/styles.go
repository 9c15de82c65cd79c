package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/themes"
)

// Styles are the theme turned into lipgloss styles, built once per theme.
type Styles struct {
	Theme                                     themes.Theme
	Header, Title, Muted, Text, Accent        lipgloss.Style
	Selected, Pane, FocusedPane               lipgloss.Style
	Pass, Fail, Warn, Running, Secret         lipgloss.Style
	JWTHeader, JWTPayload, JWTSignature, Help lipgloss.Style
	// Lab is the banner of a lab's weakened world: on the warning colour,
	// so it reads from the back of a room.
	Lab lipgloss.Style
}

// NewStyles builds the styles of a theme.
func NewStyles(t themes.Theme) Styles {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c).Bold(t.Bold) }
	s := Styles{Theme: t}
	s.Header = lipgloss.NewStyle().Bold(true).Foreground(t.Title)
	s.Title = fg(t.Title).Bold(true)
	s.Muted = fg(t.Muted)
	s.Text = fg(t.Text)
	s.Accent = fg(t.Accent)
	s.Selected = fg(t.Accent).Bold(true)
	s.Pane = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1)
	s.FocusedPane = s.Pane.BorderForeground(t.Accent)
	s.Pass, s.Fail, s.Warn, s.Running = fg(t.Pass), fg(t.Fail), fg(t.Warn), fg(t.Running)
	s.Secret = fg(t.Secret)
	s.JWTHeader, s.JWTPayload, s.JWTSignature = fg(t.Header), fg(t.Payload), fg(t.Signature)
	s.Help = fg(t.Muted)
	s.Lab = lipgloss.NewStyle().Background(t.Warn).Foreground(t.OnWarn).Bold(true)
	return s
}

// HelpStyles colours the key help from the theme (bubbles/help's own
// defaults are dim greys that vanish on a projector).
func (s Styles) HelpStyles() help.Styles {
	key := s.Text.Bold(true)
	return help.Styles{
		Ellipsis: s.Muted, ShortKey: key, ShortDesc: s.Muted, ShortSeparator: s.Muted,
		FullKey: key, FullDesc: s.Muted, FullSeparator: s.Muted,
	}
}

// Mark renders a check status as a symbol in its colour.
func (s Styles) Mark(st oauth.CheckStatus) string {
	switch st {
	case oauth.Pass:
		return s.Pass.Render("✓")
	case oauth.Fail:
		return s.Fail.Render("✗")
	case oauth.Warn:
		return s.Warn.Render("!")
	}
	return s.Muted.Render("–")
}
