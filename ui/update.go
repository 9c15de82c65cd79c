package ui

import (
	"context"
	"net/url"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/themes"
)

// Update routes each message type to its own small handler: keys to the
// open form, else to the Model's keys, else to the focused pane; data to
// the pane that owns it whatever has focus; the size to all.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.KeyMsg:
		if m.form != nil {
			return m.updateForm(msg)
		}
		return m.onKey(msg)
	case tea.MouseMsg:
		_, cmd := m.detail.Update(msg)
		return m, cmd
	case stepDoneMsg:
		m.onStepDone(msg)
		return m, nil
	case progressMsg:
		m.runs.progress(flows.Progress(msg))
		m.refresh()
		return m, waitProgress(m.progressCh)
	case eventMsg:
		_, cmd := m.events.Update(msg)
		return m, cmd
	case labStartedMsg:
		return m, m.onLabStarted(msg)
	case tickMsg:
		m.refresh() // countdowns and elapsed time
		return m, tick()
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.s.spin = m.spin.View()
		if m.runs.running != nil {
			m.refresh()
		}
		return m, cmd
	}
	return m, nil
}

// onKey handles the keys that act on the session; the others go to the
// focused pane.
func (m Model) onKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
	case key.Matches(msg, k.Tab):
		m.focus = (m.focus + 1) % len(m.panes)
	case key.Matches(msg, k.PageUp, k.PageDown):
		m.detail.Update(msg) // the page keys scroll the step whatever has focus
	case key.Matches(msg, k.Run):
		return m.runSelected()
	case key.Matches(msg, k.Cancel):
		if m.runs.cancel() {
			m.flash = flashCancelling
		}
	case key.Matches(msg, k.Reveal):
		m.s.reveal = !m.s.reveal
		m.refresh()
	case key.Matches(msg, k.Theme):
		m.nextTheme()
	case key.Matches(msg, k.Curl):
		m.copyCurl()
	case key.Matches(msg, k.CopyToken):
		m.copyText(m.runs.varsOf(m.selected())[flows.VarAccessToken], "access token")
	case key.Matches(msg, k.Validation):
		m.switchValidation()
	case key.Matches(msg, k.Edit):
		m.openForm()
	case key.Matches(msg, k.AddCall):
		m.openAddCall()
	case key.Matches(msg, k.AddScope):
		return m.addMissingScope()
	default:
		return m, m.toFocused(msg)
	}
	return m, nil
}

// toFocused gives a key to the focused pane; when it moves the selection,
// the detail shows the new row from its top.
func (m *Model) toFocused(msg tea.KeyMsg) tea.Cmd {
	cursor, walk := m.list.cursor, m.runs.walk
	_, cmd := m.panes[m.focus].Update(msg)
	if m.list.cursor != cursor || m.runs.walk != walk {
		m.detail.top()
		m.refresh()
	}
	return cmd
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	m.runs.cancel()
	m.closeLab()
	m.events.close()
	return m, tea.Quit
}

func (m *Model) nextTheme() {
	m.themeIdx = (m.themeIdx + 1) % len(themes.All)
	*m.styles = NewStyles(themes.All[m.themeIdx])
	m.help.Styles = m.styles.HelpStyles()
	m.flash = "theme: " + themes.All[m.themeIdx].Name
	m.refresh()
}

// switchValidation switches how the embedded FakeBook checks tokens (v).
func (m *Model) switchValidation() {
	if m.opts.SetFakeBookIntrospects == nil {
		m.flash = "v switches how the embedded FakeBook checks tokens; this world has no embedded FakeBook"
		return
	}
	on := !m.opts.FakeBookIntrospects()
	m.opts.SetFakeBookIntrospects(on)
	if on {
		m.flash = "FakeBook now introspects every token (RFC 7662): a revoked one fails at once"
	} else {
		m.flash = "FakeBook checks JWTs locally again: a revoked one passes until it expires"
	}
	m.refresh()
}

// runSelected does what enter does on the selected row (runs.enter):
// open a flow, go to the API, or run a step.
func (m Model) runSelected() (tea.Model, tea.Cmd) {
	if m.runs.running != nil {
		m.flash = "a step is running — esc cancels it"
		return m, nil
	}
	to, act := m.runs.enter(m.selected(), m.s.open)
	if act == runIt {
		if cmd, waits := m.labWaits(to); waits {
			return m, cmd
		}
	}
	m.list.selectRow(to)
	switch act {
	case openFlow:
		cmd := m.switchLab(to.flow)
		m.refresh()
		return m, cmd
	case guideAPI:
		m.runs.walk = none
		m.flash = "next: call FakeBook with this token — enter sends it"
		m.detail.top()
		m.refresh()
		return m, nil
	}
	return m, m.start(to)
}

// start runs the step of it in its own goroutine; its result comes back
// as a stepDoneMsg carrying the run's id.
func (m *Model) start(it item) tea.Cmd {
	step, _ := m.runs.stepOf(it)
	settings, _ := m.settingsFor(it)
	rn, ctx, vars := m.runs.start(it, m.opts.Now())
	ch := m.progressCh
	rs := m.s.clients.Machine // the machine client speaks for the resource server
	var signIn func(context.Context, string, string) (*url.URL, error)
	if w := m.s.labWorld(it.flow); w != nil && it.api < 0 {
		rs, signIn = w.Settings, w.SignIn
		if w.ResourceServer != nil {
			rs = *w.ResourceServer
		}
	}
	env := &flows.Env{HTTP: m.opts.HTTP, Settings: settings, OpenBrowser: m.opts.OpenBrowser, Now: m.opts.Now,
		ResourceServer: &rs, Keys: m.issuerKeys, SignIn: signIn, Rerun: true,
		Progress: func(p flows.Progress) {
			select {
			case ch <- p:
			default:
			}
		}}
	m.flash = ""
	m.detail.top()
	m.refresh()
	id, cancel := rn.id, rn.cancel
	return func() tea.Msg {
		defer cancel()
		return stepDoneMsg{id: id, result: step.Run(ctx, env, vars)}
	}
}

// flashCancelling is said from esc until the cancelled step ends.
const flashCancelling = "cancelling…"

// onStepDone records a result; a stale one (cancelled or superseded) is
// dropped.
func (m *Model) onStepDone(msg stepDoneMsg) {
	if m.flash == flashCancelling { // the cancelled step has ended
		m.flash = ""
	}
	it, st, ok := m.runs.finish(msg.id, msg.result, m.opts.Now(), m.selected())
	if !ok {
		return
	}
	m.teachLocalCheck(it, st)
	m.teachLab(it)
	m.refresh()
}

// teachLocalCheck says, when FakeBook checks tokens locally, what a
// revocation or an introspection just taught about it: a revoked JWT still
// passes, and v shows the difference.
func (m *Model) teachLocalCheck(it item, st *stepState) {
	if fb := m.opts.FakeBookIntrospects; fb == nil || fb() {
		return
	}
	step, _ := m.runs.stepOf(it)
	refused := st.result.Err != nil && oauth.Explain(st.result.Err).Status >= 400
	switch {
	case step.Effect == flows.RevokesToken && st.status == done:
		m.flash = "revocation accepted — FakeBook's local check cannot see it: try GET /books, v, again"
	case refused && step.Effect == flows.IntrospectsToken:
		m.flash = "the server would not say: v makes FakeBook introspect with its own client, then GET /books tells"
	}
}

// openForm opens the form of the selected row (e): the request form on an
// API call, else the settings of the client its flow runs as.
func (m *Model) openForm() {
	c := m.common()
	c.SetSize(m.width, m.height)
	if it := m.selected(); it.api >= 0 {
		m.form = newRequestForm(c, it.api, m.opts.APICalls[it.api])
		return
	} else if _, lab := m.s.labOf(it.flow); lab {
		m.flash = "a lab runs with its own world's settings; e edits the settings of the ordinary flows"
		return
	}
	s, user := m.settingsFor(m.selected())
	m.form = newSettingsForm(c, s, user)
}

// openAddCall opens the request form for a new API call (a).
func (m *Model) openAddCall() {
	c := m.common()
	c.SetSize(m.width, m.height)
	m.form = newRequestForm(c, -1, flows.APIRequest{Method: "GET"})
}

// updateForm gives a key to the open form, then applies what it decided.
func (m Model) updateForm(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	_, cmd := m.form.Update(msg)
	switch m.form.outcome() {
	case editing:
		return m, cmd
	case quitting:
		m.form = nil
		return m.quit()
	case saved:
		m.saveForm()
	case cancelled:
		if _, ok := m.form.(*settingsForm); ok {
			m.flash = "settings unchanged"
		}
	}
	m.form = nil
	m.refresh()
	return m, nil
}

// saveForm applies the open form, which has been saved.
func (m *Model) saveForm() {
	switch f := m.form.(type) {
	case *settingsForm:
		s, _ := f.settings()
		if f.user {
			m.s.clients.User = &s
		} else {
			m.s.clients.Machine = s
		}
		// One API for the session: the calls run as the machine client,
		// with whichever client's token.
		m.s.clients.Machine.APIBase = s.APIBase
		if u := m.s.clients.User; u != nil {
			u.APIBase = s.APIBase
		}
		// New settings may mean a new server: forget endpoints and tokens.
		m.runs.reset()
		m.flash = "settings saved; steps reset"
	case *requestForm:
		req, _ := f.request()
		if f.api < 0 {
			m.addCall(req)
			return
		}
		m.opts.APICalls[f.api] = req
		m.runs.setAPI(f.api, flows.CallAPI(req))
		m.flash = "saved: enter sends " + req.Method + " " + req.Path
	}
}

// addCall appends a new API call and selects it; a call already in the
// list (same method and path) is selected instead of added twice.
func (m *Model) addCall(req flows.APIRequest) {
	if i := slices.IndexFunc(m.opts.APICalls, func(c flows.APIRequest) bool {
		return c.Method == req.Method && c.Path == req.Path
	}); i >= 0 {
		m.list.selectRow(apiRow(i))
		m.flash = req.Method + " " + req.Path + " is already in the list: selected it (e edits it)"
		return
	}
	m.opts.APICalls = append(m.opts.APICalls, req)
	m.list.selectRow(m.runs.addAPI(flows.CallAPI(req)))
	m.flash = "added: enter sends " + req.Method + " " + req.Path
}
