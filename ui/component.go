package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/flows"
)

// Component is a pane of the workbench, after soft-serve's pkg/ui/common: a
// tea.Model that names its keys (help.KeyMap) and is told its size. The
// flow list, the step detail, the server-side events and the two forms are
// each one; see CONTRIBUTING.md for adding one.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

// pane is a Component in the focus ring, framed by the Model: its size is
// Common's.
type pane interface {
	Component
	size() (width, height int)
}

// Common is embedded in every pane: the pane's inside size, and what all
// panes share — the styles of the theme, the key map, and the session.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
	S             *session
}

// SetSize sets the pane's inside size, its frame excluded.
func (c *Common) SetSize(width, height int) { c.Width, c.Height = width, height }

func (c *Common) size() (width, height int) { return c.Width, c.Height }

// session is what the panes show: the runs, the settings of the user's
// clients, and how to show them.
type session struct {
	runs    *runs
	clients flows.Clients
	// open is the flow the list shows expanded: enter on another flow's
	// row opens it rather than running a step.
	open int
	// reveal shows secrets in clear (r).
	reveal bool
	// now is the clock reading of the last refresh: every time shown and
	// every time check on screen uses it.
	now time.Time
	// spin is the spinner's frame, beside a running step.
	spin string
	// fakeBookIntrospects is Options.FakeBookIntrospects.
	fakeBookIntrospects func() bool
	// fakeBook is the embedded FakeBook's URL, "" without an embedded
	// world: the API list is FakeBook's while the API base is it.
	fakeBook string
	// labs are listed after the ordinary flows, from flow row firstLab
	// on; lab is the one in use, nil when none, labGen numbers the worlds
	// started for them (a stale one is closed).
	labs     []flows.Lab
	firstLab int
	lab      *labRun
	labGen   int
	// qr is the last QR code drawn (qrFor), by the URL it encodes.
	qr struct {
		url, art string
		err      error
	}
}

// statusIcon is a step's status as one symbol in its colour.
func (c Common) statusIcon(st *stepState) string {
	s := c.Styles
	switch st.status {
	case running:
		// One cell, like the other icons: bubbles' Dot frames end in a
		// space, which made a running step's row one cell too wide for
		// its pane and wrap.
		return s.Running.Render(strings.TrimSpace(c.S.spin))
	case done:
		return s.Pass.Render("✓")
	case failedStatus:
		return s.Fail.Render("✗")
	}
	return s.Muted.Render("○")
}
