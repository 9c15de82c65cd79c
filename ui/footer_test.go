package ui

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
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
		m.runs.state[stepRow(f, j)] = &stepState{status: done, ran: done}
	}
	m.runs.state[stepRow(f, 0)] = &stepState{status: done, ran: done, result: flows.Result{Checks: []oauth.Check{
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

// On a small terminal (80×24, a projector's usual) ? still shows every
// key, the theme's among them, each whole and within the width, and the
// footer keeps ? when other keys give way.
func TestHelpFitsSmallTerminals(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {100, 30}, {160, 45}} {
		m := fakeModel()
		mm, _ := m.Update(tea.WindowSizeMsg{Width: size.w, Height: size.h})
		m = mm.(Model)
		short := ansi.Strip(m.viewFooter())
		if !strings.Contains(short, "? all keys") || lipgloss.Width(short) > size.w {
			t.Errorf("%dx%d: the footer is %q; want ? all keys in it, within %d cells", size.w, size.h, short, size.w)
		}
		m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'?'}})
		full := ansi.Strip(m.viewFooter())
		for _, l := range strings.Split(full, "\n") {
			if lipgloss.Width(l) > size.w || strings.Contains(l, "…") {
				t.Errorf("%dx%d: a line of the help is cut: %q", size.w, size.h, l)
			}
		}
		for _, g := range m.FullHelp() {
			for _, b := range g {
				if !regexp.MustCompile(regexp.QuoteMeta(b.Help().Key) + ` +` + regexp.QuoteMeta(b.Help().Desc)).MatchString(full) {
					t.Errorf("%dx%d: the help lacks %q %q:\n%s", size.w, size.h, b.Help().Key, b.Help().Desc, full)
				}
			}
		}
		if got := lipgloss.Height(m.View()); got > size.h {
			t.Errorf("%dx%d: with the help open the screen is %d lines, want at most %d", size.w, size.h, got, size.h)
		}
	}
}

// At 80×24 a running step's row (its spinner and a long title) stays on
// one line of the list: the screen is exactly the terminal, header first,
// no line wider than it.
func TestARunningStepFitsItsRow(t *testing.T) {
	// The labs fill the list: a row that wraps has no room to hide in.
	m := New(Options{World: "test world", Now: func() time.Time { return fixedNow },
		StartLab: func(context.Context, string) (*LabWorld, error) { return nil, errors.New("not here") }})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = mm.(Model)
	f, s := -1, -1
	for i, fl := range m.runs.flows {
		for j, st := range fl.Steps {
			if f < 0 && lipgloss.Width(st.Title) > m.list.Width {
				f, s = i, j
			}
		}
	}
	if f < 0 {
		t.Fatal("no step title is wider than the list at 80 columns")
	}
	m.s.open, m.list.cursor = f, 0
	m.list.cursor = m.list.indexOf(stepRow(f, s))
	m.runs.state[stepRow(f, s)] = &stepState{status: running, started: fixedNow}
	m.s.spin = spinner.Dot.Frames[0] // "⣾ ", a trailing space included
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	if len(lines) != 24 || !strings.HasPrefix(lines[0], "oauthlab") {
		t.Errorf("the screen is %d lines starting %q, want 24 starting with the header:\n%s", len(lines), lines[0], strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if lipgloss.Width(l) > 80 {
			t.Errorf("a line is %d cells wide, want at most 80: %q", lipgloss.Width(l), l)
		}
		if strings.Contains(l, "⣾") && !strings.Contains(l, "…") {
			t.Errorf("the running row is not cut on its line (it wrapped): %q", l)
		}
	}
}

// With ? open, a status line (here the theme just chosen) stands on a
// line of its own above the keys: in front of their first row it shifted
// that row off the columns below it.
func TestHelpColumnsStayAlignedUnderAStatus(t *testing.T) {
	m := fakeModel()
	m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'?'}})
	want := strings.Split(ansi.Strip(m.viewFooter()), "\n")
	m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'t'}})
	if m.flash == "" {
		t.Fatal("t said nothing in the status line")
	}
	got := strings.Split(ansi.Strip(m.viewFooter()), "\n")
	if got[0] != m.flash || strings.Join(got[1:], "\n") != strings.Join(want, "\n") {
		t.Errorf("footer with a status:\n%s\nwant the status %q alone, then the keys as without it:\n%s", strings.Join(got, "\n"), m.flash, strings.Join(want, "\n"))
	}
}
