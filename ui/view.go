package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
)

// listWidth is the list pane's width, frame included: wider on wide
// terminals so step titles fit.
func (m Model) listWidth() int { return min(44, max(36, m.width/3)) }

// layout sizes every pane from the window: the header, the strip, the
// events and the footer take the lines they render to, the panes' frames
// what their style says (GetFrameSize), and the panes the rest.
func (m *Model) layout() {
	m.help.Width = m.width
	fw, fh := m.styles.Pane.GetFrameSize()
	eventsH := m.events.heightFor(m.height)
	chrome := lipgloss.Height(m.viewHeader()) + lipgloss.Height(m.viewStrip()) + eventsH + lipgloss.Height(m.viewFooter())
	bodyH := m.height - chrome - fh
	m.list.SetSize(m.listWidth()-fw, max(1, bodyH))
	m.detail.SetSize(max(20, m.width-m.listWidth()-fw), max(3, bodyH))
	m.events.SetSize(m.width, eventsH)
	if m.form != nil {
		h := m.height
		if m.s.lab != nil {
			h-- // the lab's banner stays atop the form
		}
		m.form.SetSize(m.width, h)
	}
	m.refresh()
}

// View draws the open form, or the whole screen.
func (m Model) View() string {
	if m.form != nil {
		if b := m.viewLabBanner(); b != "" {
			return b + "\n" + m.form.View()
		}
		return m.form.View()
	}
	var boxes []string
	for i, p := range m.panes {
		st := m.styles.Pane
		if i == m.focus {
			st = m.styles.FocusedPane
		}
		w, h := p.size()
		boxes = append(boxes, box(st, w, h, p.View()))
	}
	body := lipgloss.JoinHorizontal(lipgloss.Top, boxes...)
	return strings.Join([]string{m.viewHeader(), m.viewStrip(), body, m.events.View(), m.viewFooter()}, "\n")
}

// box frames content in st so that its inside is w×h cells.
func box(st lipgloss.Style, w, h int, content string) string {
	return st.Width(w + st.GetHorizontalPadding()).Height(h + st.GetVerticalPadding()).Render(content)
}

// ShortHelp is the footer: the Model's keys around the focused pane's.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	short := slices.Concat([]key.Binding{k.Run}, m.panes[m.focus].ShortHelp(), []key.Binding{k.Tab, k.Edit, k.Reveal, k.Help, k.Quit})
	if _, ok := m.missingScopes(); ok {
		short = append([]key.Binding{k.AddScope}, short...)
	}
	return short
}

// FullHelp is shown with ?.
func (m Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		slices.Concat(m.panes[m.focus].ShortHelp(), []key.Binding{k.Run, k.Cancel, k.Tab}),
		{k.PageUp, k.PageDown, k.Edit, k.AddCall, k.Curl, k.CopyToken, k.AddScope},
		{k.Reveal, k.Theme, k.Validation, k.Help, k.Quit},
	}
}

func (m Model) viewHeader() string {
	s := m.styles
	right := s.Muted.Render("secrets hidden (r)")
	if m.s.reveal {
		right = s.Secret.Render("SECRETS SHOWN (r)")
	}
	room := m.width - lipgloss.Width(right) - 1 - lipgloss.Width("oauthlab · ")
	left := s.Header.Render("oauthlab") + s.Muted.Render(" · ") + s.Text.Render(fitWorld(safe.Line(m.headerWorld()), room))
	gap := max(1, m.width-lipgloss.Width(left)-lipgloss.Width(right))
	header := left + strings.Repeat(" ", gap) + right
	if b := m.viewLabBanner(); b != "" {
		return b + "\n" + header
	}
	return header
}

// headerWorld is where the flows shown run: the session's world, or while
// a lab is open the lab's own world (its flows run there, not against the
// session's issuer).
func (m Model) headerWorld() string {
	lr := m.s.lab
	if lr == nil {
		return m.opts.World
	}
	if lr.world == nil {
		return "lab world · starting…"
	}
	issuer := lr.world.Settings.LabIssuer // the key-rotation lab's own
	if issuer == "" {
		issuer = lr.world.Settings.Issuer
	}
	return "lab world · " + issuer
}

// stripActor is an actor of the strip, with its names.
type stripActor struct {
	actor      flows.Actor
	name, tiny string
}

// actors are the four actors of the strip; a lab adds the attacker.
var (
	actors = []stripActor{
		{flows.Browser, "Browser", "Browser"}, {flows.Client, "Client", "Client"},
		{flows.AuthServer, "Authorization Server", "Auth Server"}, {flows.ResourceServer, "Resource Server", "Resource Server"},
	}
	attacker = stripActor{flows.Attacker, "Attacker", "Attacker"}
)

// stripActors are the actors of the selected row's flow: the four, and
// the attacker in a lab.
func (m Model) stripActors() []stripActor {
	if it := m.selected(); it.api < 0 {
		if _, ok := m.s.labOf(it.flow); ok {
			return append(slices.Clip(actors), attacker)
		}
	}
	return actors
}

// viewStrip draws the actors and the selected step's arrow.
func (m Model) viewStrip() string {
	s := m.styles
	cast := m.stripActors()
	col := m.width / len(cast)
	var from, to flows.Actor
	if step, ok := m.runs.stepOf(m.selected()); ok {
		from, to = step.From, step.To
	}
	var line strings.Builder
	centers := map[flows.Actor]int{}
	for i, a := range cast {
		name := a.name
		if m.width < 90 || len(name)+2 > col {
			name = a.tiny
		}
		pad := max(0, (col-len(name))/2)
		centers[a.actor] = i*col + pad + len(name)/2
		cell := strings.Repeat(" ", pad) + name
		st := s.Muted
		if a.actor == from || a.actor == to {
			st = s.Selected
		}
		line.WriteString(st.Render(cell) + strings.Repeat(" ", max(0, col-lipgloss.Width(cell))))
	}
	return line.String() + "\n" + m.arrow(centers, from, to)
}

// arrow is the line under the strip from one actor's centre to another's.
func (m Model) arrow(centers map[flows.Actor]int, from, to flows.Actor) string {
	if from == "" || to == "" || from == to {
		return ""
	}
	a, b := centers[from], centers[to]
	lo, hi := min(a, b), max(a, b)
	body := strings.Repeat("─", max(1, hi-lo-1))
	if a < b {
		return m.styles.Accent.Render(strings.Repeat(" ", lo) + "╰" + body + "▶")
	}
	return m.styles.Accent.Render(strings.Repeat(" ", lo) + "◀" + body + "╯")
}

// viewFooter is the status line (the flash) and the keys. The status says
// what just happened, so the short keys give way to it: only the ones that
// fit whole after it are shown, and a status wider than the terminal is
// ellipsized.
func (m Model) viewFooter() string {
	var out string
	switch {
	case m.help.ShowAll:
		out = m.fullHelpView()
	case m.flash == "":
		out = m.fitKeys(m.width)
	}
	if m.flash != "" {
		flash := m.styles.Warn.Render(ellipsize(safe.Line(m.flash), m.width))
		switch {
		case m.help.ShowAll: // a line of its own: before the keys' first row it shifted it off their columns
			out = flash + "\n" + out
		default:
			if keys := m.fitKeys(m.width - lipgloss.Width(flash) - 2); keys != "" {
				flash += "  " + keys
			}
			out = flash
		}
	}
	// bubbles/help can overshoot its width by an item; never wrap the screen.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = truncate(l, m.width)
	}
	return strings.Join(lines, "\n")
}

// fitWorld fits the header's " · "-separated description of the world
// into w cells. On a narrow terminal trailing parts go first (the FakeBook
// URL), then words ("embedded keycloak-shaped world" becomes "keycloak"),
// and only then is the issuer cut: a URL cut in the middle reads as
// another URL.
func fitWorld(world string, w int) string {
	parts := strings.Split(world, " · ")
	fits := func() bool { return lipgloss.Width(strings.Join(parts, " · ")) <= w }
	for len(parts) > 2 && !fits() {
		parts = parts[:len(parts)-1]
	}
	for _, short := range []func(string) string{
		func(p string) string { return strings.TrimSuffix(p, " world") },
		func(p string) string { return strings.TrimPrefix(p, "embedded ") },
		func(p string) string { return strings.TrimSuffix(p, "-shaped") },
	} {
		if fits() {
			break
		}
		parts[0] = short(parts[0])
	}
	return ellipsize(strings.Join(parts, " · "), w)
}

// fitKeys is the short help cut to the keys that fit whole in w cells.
// When some must go, ? stays last: it shows all the others.
func (m Model) fitKeys(w int) string {
	h, keys := m.help, m.ShortHelp()
	h.Width = 0 // no ellipsis: a key is shown whole or not at all
	if s := h.ShortHelpView(keys); lipgloss.Width(s) <= w {
		return s
	}
	rest := slices.DeleteFunc(slices.Clone(keys), func(b key.Binding) bool { return b.Help() == m.keys.Help.Help() })
	for n := len(rest); n >= 0; n-- {
		if s := h.ShortHelpView(append(slices.Clip(rest[:n]), m.keys.Help)); lipgloss.Width(s) <= w {
			return s
		}
	}
	return ""
}

// fullHelpView is the ? view: FullHelp's columns side by side, or, on a
// terminal too narrow for them, the same keys in fewer and longer
// columns, so that no key is cut off (bubbles/help drops the columns that
// do not fit).
func (m Model) fullHelpView() string {
	h, groups := m.help, m.FullHelp()
	h.Width = 0
	out := h.FullHelpView(groups)
	var all []key.Binding
	for _, g := range groups {
		all = append(all, slices.DeleteFunc(slices.Clone(g), func(b key.Binding) bool { return !b.Enabled() })...)
	}
	for cols := len(groups) - 1; cols > 0 && lipgloss.Width(out) > m.width; cols-- {
		out = h.FullHelpView(slices.Collect(slices.Chunk(all, (len(all)+cols-1)/cols)))
	}
	return out
}
