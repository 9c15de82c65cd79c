package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
)

// checkFooter fails unless the footer of m in a terminal w columns wide
// fits it, says the whole status (the flash), and shows only whole keys after it: the keys give
// way to what just happened, never the other way round, and none is cut
// in the middle.
func checkFooter(t *testing.T, m Model, w int) {
	t.Helper()
	mm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: 36})
	m = mm.(Model)
	got := ansi.Strip(m.viewFooter())
	if w := lipgloss.Width(got); w > m.width {
		t.Errorf("the footer is %d cells wide, want at most %d: %q", w, m.width, got)
	}
	if !strings.HasPrefix(got, m.flash) {
		t.Fatalf("the status line is cut: got %q, want it to start with %q", got, m.flash)
	}
	whole := map[string]bool{}
	for _, b := range m.ShortHelp() {
		whole[b.Help().Key+" "+b.Help().Desc] = true
	}
	keys := strings.TrimSpace(strings.TrimPrefix(got, m.flash))
	if keys == "" {
		return
	}
	for _, k := range strings.Split(keys, " • ") {
		if !whole[k] {
			t.Errorf("the footer shows a key cut in the middle, %q: got %q", k, got)
		}
	}
}

// A lab's verdict in the status line fits a 120-column terminal whole.
func TestLabVerdictFitsTheStatusLine(t *testing.T) {
	m := New(Options{World: "w", StartLab: func(context.Context, string) (*LabWorld, error) { return nil, errors.New("not here") }})
	f := m.s.firstLab
	for j := range m.runs.flows[f].Steps {
		m.runs.state[stepRow(f, j)] = &stepState{status: done}
	}
	m.runs.state[stepRow(f, 0)] = &stepState{status: done, result: flows.Result{Checks: []oauth.Check{
		{Name: flows.CheckAttackSucceeded, Status: oauth.Pass}, {Name: flows.CheckProtectionHeld, Status: oauth.Pass}}}}
	m.teachLab(stepRow(f, 0))
	if !strings.HasPrefix(m.flash, "lab demonstrated") {
		t.Fatalf("flash: got %q, want the lab demonstrated", m.flash)
	}
	checkFooter(t, m, 120)
}

// Every status line the session may say fits a 120-column terminal with
// no key cut in the middle, and one too long for the terminal is
// ellipsized rather than cut mid-word with keys after it.
func TestStatusLinesFit(t *testing.T) {
	for _, flash := range []string{
		"g works on an API call refused with insufficient_scope that names a scope the client does not ask for yet",
		"added: enter sends GET /books/1",
		"",
	} {
		m := fakeModel()
		m.flash = flash
		checkFooter(t, m, 120)
	}
	m := fakeModel()
	m.flash = strings.Repeat("a status line wider than the terminal ", 5)
	got := ansi.Strip(m.viewFooter())
	if lipgloss.Width(got) > m.width || !strings.HasSuffix(got, "…") {
		t.Errorf("a status line wider than the terminal: got %q, want it ellipsized to %d cells", got, m.width)
	}
}
