package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/ui/view"
)

// stepDetail is the right pane: the selected row's overview or step —
// its explanation, exchanges, tokens and checks — in a viewport. Whatever
// came from outside (a server, a token, a file) goes through safe.Visible
// or safe.Line before any style is applied: its control characters show,
// they never act.
type stepDetail struct {
	Common
	vp viewport.Model
}

func newStepDetail(c Common) *stepDetail { return &stepDetail{Common: c, vp: viewport.New(60, 20)} }

// Init does nothing: the detail is drawn from the session.
func (d *stepDetail) Init() tea.Cmd { return nil }

// SetSize sizes the viewport to the pane's inside.
func (d *stepDetail) SetSize(w, h int) {
	d.Common.SetSize(w, h)
	d.vp.Width, d.vp.Height = w, h
}

// Update scrolls: a line with up and down, half a page with the page keys,
// and with the mouse wheel.
func (d *stepDetail) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		d.vp, cmd = d.vp.Update(msg)
		return d, cmd
	}
	switch {
	case key.Matches(k, d.Keys.Up):
		d.vp.ScrollUp(1)
	case key.Matches(k, d.Keys.Down):
		d.vp.ScrollDown(1)
	case key.Matches(k, d.Keys.PageUp):
		d.vp.HalfPageUp()
	case key.Matches(k, d.Keys.PageDown):
		d.vp.HalfPageDown()
	}
	return d, nil
}

// ShortHelp names the detail's keys.
func (d *stepDetail) ShortHelp() []key.Binding { return []key.Binding{d.Keys.Up, d.Keys.Down} }

// FullHelp names the detail's keys.
func (d *stepDetail) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.Keys.Up, d.Keys.Down, d.Keys.PageUp, d.Keys.PageDown}}
}

// View is the viewport.
func (d *stepDetail) View() string { return d.vp.View() }

// show renders it into the viewport, keeping the scroll position.
func (d *stepDetail) show(it item) { d.vp.SetContent(d.render(it, d.vp.Width)) }

// top scrolls back to the top, for a new row.
func (d *stepDetail) top() { d.vp.GotoTop() }

// render is the text of a row, w cells wide.
func (d *stepDetail) render(it item, w int) string {
	if it.api < 0 && it.step < 0 {
		return d.viewFlow(it.flow, w)
	}
	step, _ := d.S.runs.stepOf(it)
	st := d.S.runs.stateOf(it)
	s := d.Styles
	var b strings.Builder
	// Wrapped, not cut by the pane: what tells a lab's two sides apart
	// ("…to the weakened app", "…that checks state") ends the title.
	head := s.Title.Render(safe.Line(step.Title))
	if step.RFC != "" {
		head += "  " + s.Muted.Render(step.RFC)
	}
	wrap := lipgloss.NewStyle().Width(w)
	b.WriteString(wrap.Render(head) + "\n" + wrap.Render(s.Muted.Render(string(step.From)+" → "+string(step.To))) + "\n\n")
	why := wrap.Render(safe.Visible(step.Why)) + "\n"
	switch st.status {
	case pending:
		b.WriteString(why + "\n" + d.viewPending(it, w))
	case running:
		// What is happening first, as a finished step's outcome is: on a
		// 24-line terminal the device flow's code, or the login URL, must
		// be on screen without scrolling.
		b.WriteString(d.viewRunning(st, w) + "\n" + section(s, "About this step", w) + why)
	default:
		v := view.New(step, st.result, view.Options{Reveal: d.S.reveal, Now: d.S.now})
		b.WriteString(d.viewFinished(it, st, v, w) + "\n" + section(s, "About this step", w) + why)
		for i, ex := range v.Exchanges {
			b.WriteString("\n" + section(s, fmt.Sprintf("HTTP exchange %d/%d", i+1, len(v.Exchanges)), w) + d.viewExchange(ex, w))
		}
		switch n := len(v.Exchanges); {
		case n == 1:
			b.WriteString(s.Muted.Render("c copies this request as curl (secrets as $OAUTHLAB_… variables)") + "\n")
		case n > 1:
			b.WriteString(s.Muted.Render(fmt.Sprintf("c copies these %d requests as curl, in order (secrets as $OAUTHLAB_… variables)", n)) + "\n")
		}
	}
	return b.String()
}

// viewFlow is a flow's overview: its steps, the settings it runs with,
// and which client acts on the token.
func (d *stepDetail) viewFlow(i, w int) string {
	if l, ok := d.S.labOf(i); ok {
		return d.viewLab(i, l, w)
	}
	s, r := d.Styles, d.S.runs
	f := r.flows[i]
	wrap := lipgloss.NewStyle().Width(w)
	var b strings.Builder
	b.WriteString(wrap.Render(s.Title.Render(f.Title)) + "\n\n" + wrap.Render(f.Summary) + "\n\n")
	b.WriteString(d.viewSteps(i, w))
	keys := "enter runs the next step · e edits the settings · ↓ shows each step"
	if i != d.S.open {
		keys = "enter opens the flow and lists its steps · e edits the settings"
	}
	b.WriteString("\n" + wrap.Render(s.Muted.Render(keys)))
	settings, _ := d.S.settingsOf(flowRow(i))
	b.WriteString("\n\n" + d.settingsSummary(settings, w))
	if owner := r.vars[flows.VarTokenClientID]; f.Client == flows.TokenClient && owner != "" {
		b.WriteString(wrap.Render(s.Muted.Render("The token was obtained by "+safe.Line(owner)+": it is revoked as that client (RFC 7009 §2.1), and introspected as it unless it is public (then as the resource server's client, RFC 7662 §2.1).")) + "\n")
	}
	return b.String()
}

// viewSteps lists flow i's steps, each with its status.
func (d *stepDetail) viewSteps(i, w int) string {
	var b strings.Builder
	for j, st := range d.S.runs.flows[i].Steps {
		b.WriteString(hanging(fmt.Sprintf("%s %d. ", d.statusIcon(d.S.runs.stateOf(stepRow(i, j))), j+1), safe.Line(st.Title), w) + "\n")
	}
	return b.String()
}

func (d *stepDetail) viewPending(it item, w int) string {
	s := d.Styles
	wrap := lipgloss.NewStyle().Width(w)
	hint := "Not run yet — press enter."
	if it.api >= 0 {
		hint += " e edits the request."
	}
	out := wrap.Render(s.Muted.Render(hint))
	if it.api >= 0 && d.S.runs.vars[flows.VarAccessToken] == "" {
		out += "\n" + wrap.Render(s.Warn.Render("No access token yet: run Client credentials first (or call without one to see the 401)."))
	}
	return out
}

func (d *stepDetail) viewRunning(st *stepState, w int) string {
	s := d.Styles
	var b strings.Builder
	b.WriteString(s.Running.Render(d.S.spin+" running… "+since(st.started, d.S.now)) + s.Muted.Render("  (esc cancels)") + "\n")
	if st.device != nil {
		b.WriteString("\n" + d.viewDevice(st.device, d.S.now, w))
	}
	for _, said := range st.said {
		b.WriteString(lipgloss.NewStyle().Width(w).Render(s.Accent.Render(safe.Visible(said))) + "\n")
	}
	if st.url != "" {
		b.WriteString(s.Muted.Render("c copies the URL") + "\n")
	}
	return b.String()
}

// viewFinished is a finished step's outcome: its verdict, what enter does
// now, the error explained, its outputs, tokens and checks. Once a step
// has run its outcome comes first (on a 24-line terminal the 403 and what
// to do about it, or the token, must be on screen); the explanation read
// before running it follows, then the wire.
func (d *stepDetail) viewFinished(it item, st *stepState, v view.Step, w int) string {
	s := d.Styles
	wrap := lipgloss.NewStyle().Width(w)
	verdict := s.Pass.Render("✓ done")
	switch {
	case st.status == failedStatus && st.ran == done:
		// It went through; time or a later step has made a check false.
		verdict = s.Fail.Render("✗ no longer holds") + s.Muted.Render(": done")
	case st.status == failedStatus:
		verdict = s.Fail.Render("✗ failed")
	}
	var b strings.Builder
	b.WriteString(verdict + s.Muted.Render(" in "+st.elapsed.Round(time.Millisecond).String()) + "\n")
	b.WriteString(wrap.Render(s.Muted.Render(d.enterHint(it, st, v.Err))) + "\n")
	if v.Err != nil {
		b.WriteString(d.viewError(v.Err, w))
	}
	if len(v.Outputs) > 0 {
		b.WriteString("\n" + section(s, "Result", w) + d.viewOutputs(v.Outputs, w))
	}
	for _, t := range v.Tokens {
		b.WriteString("\n" + d.viewToken(t, w))
	}
	if len(v.Checks) > 0 {
		b.WriteString("\n" + section(s, "Checks", w) + d.viewChecks(v.Checks, w))
	}
	return b.String()
}

// enterHint says what enter does on a finished step: walk on right after
// it ran well, otherwise run it again; retry when err (the step's error,
// explained) says the same request may work again. A step that cannot
// simply run again says what it needs instead (flows.Step.Again).
func (d *stepDetail) enterHint(it item, st *stepState, err *oauth.Error) string {
	if it.api >= 0 {
		if missing, machines := d.S.scopeFix(it); len(missing) > 0 && machines {
			return "g gets a token with " + safe.Line(strings.Join(missing, " ")) + ", then enter sends it again"
		}
		return "enter sends it again"
	}
	if to, ok := d.S.runs.walksOn(it); ok {
		if to.api >= 0 {
			return "enter: call FakeBook with this token"
		}
		return "enter: next step, " + d.S.runs.flows[to.flow].Steps[to.step].Title
	}
	if st.status == failedStatus && err != nil && err.Retry {
		return "enter retries"
	}
	// A step that spent what an earlier one gave it fails again alone.
	if step, _ := d.S.runs.stepOf(it); step.Again != "" {
		return step.Again
	}
	if st.status == failedStatus {
		// Sending the same request again gets the same answer: Try, in
		// the error below the hint, says what must change first. Without
		// an error a check failed (an expired token): its reason is below.
		if err == nil && st.ran == done {
			return "a check below has failed since the step ran; enter runs it again"
		}
		if err == nil {
			return "a check below failed; enter runs it again"
		}
		return "fix the cause below, then enter runs it again"
	}
	return "enter runs it again"
}
