package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
)

// listWidth is the left pane's width, border included: wider on wide
// terminals so step titles fit.
func (m Model) listWidth() int { return min(44, max(36, m.width/3)) }

// layout sizes the detail viewport from the window.
func (m *Model) layout() {
	w := m.width - m.listWidth() - 4
	if w < 20 {
		w = 20
	}
	h := m.height - m.chromeHeight()
	if h < 3 {
		h = 3
	}
	m.vp.Width, m.vp.Height = w, h
	m.help.Width = m.width
	m.refresh()
}

// chromeHeight is everything but the panes' insides: header, sequence
// strip, pane borders, events and footer.
func (m Model) chromeHeight() int {
	footer := 1
	if m.help.ShowAll {
		footer = 5
	}
	return 1 + 2 + 2 + m.eventLines() + 1 + footer
}

func (m Model) eventLines() int {
	if m.opts.Events == nil || m.height < 28 {
		return 2
	}
	return 4
}

// refresh re-reads the clock, re-evaluates what depends on it, and
// re-renders the detail of the selected row into the viewport: the
// countdowns and the checks are computed at the same instant, so they agree.
func (m *Model) refresh() {
	m.now = m.opts.Now()
	m.retime()
	m.vp.SetContent(m.detail(m.selected(), m.vp.Width))
}

// retime re-evaluates every finished step's result at m.now (its tokens'
// exp, nbf and iat checks); the step's verdict follows, so a step whose token
// has expired turns ✗.
func (m *Model) retime() {
	for _, st := range m.state {
		if st.status != done && st.status != failedStatus {
			continue
		}
		st.result = st.result.At(m.now)
		st.status = done
		if st.result.Failed() {
			st.status = failedStatus
		}
	}
}

// View draws the whole screen.
func (m Model) View() string {
	if m.form != nil {
		return m.viewForm()
	}
	if m.apiForm != nil {
		return m.viewAPIForm()
	}
	bodyH := m.height - m.chromeHeight()
	list := m.styles.Pane.Width(m.listWidth() - 2).Height(bodyH)
	detail := m.styles.Pane.Width(m.vp.Width + 2).Height(bodyH)
	if m.focus == listPane {
		list = m.styles.FocusedPane.Width(m.listWidth() - 2).Height(bodyH)
	} else {
		detail = m.styles.FocusedPane.Width(m.vp.Width + 2).Height(bodyH)
	}
	body := lipgloss.JoinHorizontal(lipgloss.Top,
		list.Render(m.viewList(bodyH)),
		detail.Render(m.vp.View()))
	return strings.Join([]string{m.viewHeader(), m.viewStrip(), body, m.viewEvents(), m.viewFooter()}, "\n")
}

func (m Model) viewHeader() string {
	s := m.styles
	reveal := s.Muted.Render("secrets hidden (r)")
	if m.reveal {
		reveal = s.Secret.Render("SECRETS SHOWN (r)")
	}
	right := reveal
	room := m.width - lipgloss.Width(right) - 1 - lipgloss.Width("oauthlab · ")
	left := s.Header.Render("oauthlab") + s.Muted.Render(" · ") + s.Text.Render(fitWorld(safe.Line(m.opts.World), room))
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		gap = 1
	}
	return left + strings.Repeat(" ", gap) + right
}

// viewStrip draws the four actors and the current step's arrow.
func (m Model) viewStrip() string {
	s := m.styles
	actors := []flows.Actor{flows.Browser, flows.Client, flows.AuthServer, flows.ResourceServer}
	names := []string{"Browser", "Client", "Authorization Server", "Resource Server"}
	col := m.width / 4
	var from, to flows.Actor
	if step, ok := m.stepOf(m.selected()); ok {
		from, to = step.From, step.To
	}
	var line strings.Builder
	centers := map[flows.Actor]int{}
	for i, a := range actors {
		name := names[i]
		if m.width < 90 && a == flows.AuthServer {
			name = "Auth Server"
		}
		pad := (col - len(name)) / 2
		if pad < 0 {
			pad = 0
		}
		centers[a] = i*col + pad + len(name)/2
		cell := strings.Repeat(" ", pad) + name
		st := s.Muted
		if a == from || a == to {
			st = s.Selected
		}
		line.WriteString(st.Render(cell) + strings.Repeat(" ", max(0, col-lipgloss.Width(cell))))
	}
	arrow := ""
	if from != "" && to != "" && from != to {
		a, b := centers[from], centers[to]
		lo, hi := min(a, b), max(a, b)
		body := strings.Repeat("─", max(1, hi-lo-1))
		if a < b {
			arrow = strings.Repeat(" ", lo) + "╰" + body + "▶"
		} else {
			arrow = strings.Repeat(" ", lo) + "◀" + body + "╯"
		}
		arrow = s.Accent.Render(arrow)
	}
	return line.String() + "\n" + arrow
}

func (m Model) viewList(h int) string {
	s := m.styles
	var rows []string
	its := m.items()
	apiHeader := false
	for i, it := range its {
		if it.api >= 0 && !apiHeader {
			rows = append(rows, "", s.Title.Render("FakeBook API")+m.fakeBookMode())
			apiHeader = true
		}
		cursor := "  "
		if i == m.cursor {
			cursor = s.Selected.Render("▸ ")
		}
		var label string
		switch {
		case it.api >= 0:
			st, _ := m.stepOf(it)
			label = m.statusIcon(m.stateOf(it)) + " " + safe.Line(st.Title)
		case it.step < 0:
			mark := "▹"
			if it.flow == m.open {
				mark = "▿"
			}
			label = mark + " " + safe.Line(m.flows[it.flow].Title)
			if i == m.cursor {
				label = s.Selected.Render(label)
			} else {
				label = s.Title.Render(label)
			}
		default:
			label = "  " + m.statusIcon(m.stateOf(it)) + " " + ellipsize(safe.Line(m.flows[it.flow].Steps[it.step].Title), m.listWidth()-10)
		}
		if it.api >= 0 {
			label = truncate(label, m.listWidth()-4)
		}
		rows = append(rows, cursor+label)
	}
	if len(rows) > h {
		start := min(max(0, m.cursor-h/2), len(rows)-h)
		rows = rows[start : start+h]
	}
	return strings.Join(rows, "\n")
}

func (m Model) statusIcon(st *stepState) string {
	s := m.styles
	switch st.status {
	case running:
		return s.Running.Render(m.spin.View())
	case done:
		return s.Pass.Render("✓")
	case failedStatus:
		return s.Fail.Render("✗")
	}
	return s.Muted.Render("○")
}

func (m Model) viewEvents() string {
	s := m.styles
	n := m.eventLines() - 1
	title := s.Title.Render("Server side") + s.Muted.Render(" — what the embedded servers received and decided")
	if m.opts.Events == nil {
		return title + "\n" + s.Muted.Render("  (a real issuer: its side is not visible here)")
	}
	var rows []string
	for i := max(0, len(m.events)-n); i < len(m.events); i++ {
		e := m.events[i]
		if e.Method == "" {
			rows = append(rows, truncate(s.Muted.Render(fmt.Sprintf("  %s %-10s ", e.Time.Format("15:04:05"), safe.Line(e.Server)))+s.Accent.Render(safe.Line(e.Decision)), m.width))
			continue
		}
		st := s.Pass
		if e.Status >= 400 {
			st = s.Fail
		}
		// The path and the decision are a request's, anyone's: shown, never acted on.
		line := fmt.Sprintf("  %s %-10s %s %s ", e.Time.Format("15:04:05"), safe.Line(e.Server), safe.Line(e.Method), safe.Line(shortPath(e.Path)))
		rows = append(rows, truncate(s.Muted.Render(line)+st.Render(fmt.Sprint(e.Status))+" "+safe.Line(e.Decision), m.width))
	}
	for len(rows) < n {
		rows = append(rows, s.Muted.Render("  ·"))
	}
	return title + "\n" + strings.Join(rows, "\n")
}

func (m Model) viewFooter() string {
	out := m.help.View(m.keys)
	if m.flash != "" {
		out = m.styles.Warn.Render(safe.Line(m.flash)) + "  " + out
	}
	// bubbles/help can overshoot its width by an item; never wrap the screen.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = truncate(l, m.width)
	}
	return strings.Join(lines, "\n")
}

func shortPath(p string) string {
	if i := strings.Index(p, "/protocol/openid-connect"); i >= 0 {
		return "…" + p[i+len("/protocol/openid-connect"):]
	}
	return p
}

// fakeBookMode names how the embedded FakeBook checks tokens, beside its
// title in the list.
func (m Model) fakeBookMode() string {
	if m.opts.FakeBookIntrospects == nil {
		return ""
	}
	mode := "local check"
	if m.opts.FakeBookIntrospects() {
		mode = "introspects"
	}
	return m.styles.Muted.Render(" · " + mode + " (v)")
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

// ellipsize cuts plain text to w cells and marks the cut with "…", so a
// reader knows there is more (the detail pane shows it whole).
func ellipsize(s string, w int) string {
	if lipgloss.Width(s) <= w || w < 2 {
		return s
	}
	return strings.TrimRight(truncate(s, w-1), " ") + "…"
}

// truncate cuts s to w cells, ANSI-aware.
func truncate(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

func since(t time.Time, now time.Time) string {
	return now.Sub(t).Round(100 * time.Millisecond).String()
}
