package ui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/oauth"
	"github.com/oauthlab/oauthlab/themes"
)

// stepTimeout bounds a step; the code flow waits for a person to sign in.
const stepTimeout = 5 * time.Minute

// Update routes each message type to its own small handler.
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
		if m.apiForm != nil {
			return m.updateAPIForm(msg)
		}
		return m.onKey(msg)
	case tea.MouseMsg:
		var cmd tea.Cmd
		m.vp, cmd = m.vp.Update(msg)
		return m, cmd
	case stepDoneMsg:
		return m.onStepDone(msg), nil
	case progressMsg:
		if m.running != nil {
			st := m.state[m.running.key]
			st.said = append(st.said, string(msg))
			m.refresh()
		}
		return m, waitProgress(m.progressCh)
	case eventMsg:
		m.events = append(m.events, events.Event(msg))
		if len(m.events) > 50 {
			m.events = m.events[len(m.events)-50:]
		}
		return m, waitEvent(m.evCh)
	case tickMsg:
		m.refresh() // countdowns and elapsed time
		return m, tick()
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		if m.running != nil {
			m.refresh()
		}
		return m, cmd
	}
	return m, nil
}

func (m Model) onKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		if m.running != nil {
			m.running.cancel()
		}
		if m.evCancel != nil {
			m.evCancel()
		}
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
	case key.Matches(msg, k.Tab):
		m.focus = 1 - m.focus
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.vp.HalfPageUp()
	case key.Matches(msg, k.PageDown):
		m.vp.HalfPageDown()
	case key.Matches(msg, k.Run):
		return m.runSelected()
	case key.Matches(msg, k.Cancel):
		if m.running != nil {
			m.running.cancel()
			m.flash = "cancelling…"
		}
	case key.Matches(msg, k.Reveal):
		m.reveal = !m.reveal
		m.refresh()
	case key.Matches(msg, k.Theme):
		m.themeIdx = (m.themeIdx + 1) % len(themes.All)
		m.styles = NewStyles(themes.All[m.themeIdx])
		m.help.Styles = m.styles.HelpStyles()
		m.flash = "theme: " + themes.All[m.themeIdx].Name
		m.refresh()
	case key.Matches(msg, k.Curl):
		m.copyCurl()
	case key.Matches(msg, k.CopyToken):
		m.copyText(m.vars[flows.VarAccessToken], "access token")
	case key.Matches(msg, k.Validation):
		if m.opts.SetFakeBookIntrospects == nil {
			m.flash = "v switches how the embedded FakeBook checks tokens; this world has no embedded FakeBook"
			break
		}
		on := !m.opts.FakeBookIntrospects()
		m.opts.SetFakeBookIntrospects(on)
		if on {
			m.flash = "FakeBook now introspects every token (RFC 7662): a revoked one fails at once"
		} else {
			m.flash = "FakeBook checks JWTs locally again: a revoked one passes until it expires"
		}
		m.refresh()
	case key.Matches(msg, k.Edit):
		if it := m.selected(); it.api >= 0 {
			m.apiForm = newAPIForm(it.api, m.opts.APICalls[it.api])
			return m, nil
		}
		m.form = newSettingsForm(m.settingsFor(m.currentFlowID()), m.currentFlowID())
		m.form.code = m.usesCodeSettings(m.currentFlowID())
	}
	return m, nil
}

// move moves the cursor in the list, or scrolls the detail pane.
func (m *Model) move(d int) {
	if m.focus == detailPane {
		if d < 0 {
			m.vp.ScrollUp(1)
		} else {
			m.vp.ScrollDown(1)
		}
		return
	}
	n := len(m.items())
	m.cursor = (m.cursor + d + n) % n
	m.walk = ""
	m.vp.GotoTop()
	m.refresh()
}

func (m Model) currentFlowID() string {
	if it := m.selected(); it.api < 0 {
		return m.flows[it.flow].ID
	}
	return ""
}

// runSelected runs the selected step. On a flow row it runs the flow's next
// step; on a step that has just finished well it walks on to the next one,
// so pressing enter repeatedly walks the flow. On any other step, done or
// not, it runs that step again, and the steps after it become pending: they
// ran with what this step is about to replace.
func (m Model) runSelected() (tea.Model, tea.Cmd) {
	if m.running != nil {
		m.flash = "a step is running — esc cancels it"
		return m, nil
	}
	it := m.selected()
	if it.api < 0 && it.flow != m.open {
		// enter on a closed flow opens it; enter again runs its first step.
		m.open = it.flow
		m.cursor = m.indexOf(item{flow: it.flow, step: -1, api: -1})
		m.refresh()
		return m, nil
	}
	if it.api < 0 {
		f := m.flows[it.flow]
		walking := m.walk == stepKey(it) && m.stateOf(it).status == done
		last := it.step == len(f.Steps)-1
		if walking && last && m.vars[flows.VarAccessToken] != "" && len(m.apis) > 0 {
			// The flow is done and there is a token: guide to the API.
			m.walk = ""
			m.cursor = m.indexOf(item{flow: -1, step: -1, api: 0})
			m.flash = "next: call FakeBook with this token — enter sends it"
			m.vp.GotoTop()
			m.refresh()
			return m, nil
		}
		if it.step < 0 || (walking && !last) {
			it.step = m.nextStep(it.flow, it.step)
			m.cursor = m.indexOf(it)
		}
		for j := it.step + 1; j < len(f.Steps); j++ {
			delete(m.state, stepKey(item{flow: it.flow, step: j, api: -1}))
		}
	}
	m.walk = ""
	step, _ := m.stepOf(it)
	m.runSeq++
	timeout := stepTimeout
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	key := stepKey(it)
	m.running = &run{id: m.runSeq, key: key, cancel: cancel}
	m.state[key] = &stepState{status: running, started: m.opts.Now()}
	m.flash = ""
	m.vp.GotoTop()
	m.refresh()
	rs := m.opts.Settings // the machine client speaks for the resource server
	env := &flows.Env{HTTP: m.opts.HTTP, Settings: m.settingsFor(m.flowIDOf(it)), OpenBrowser: m.opts.OpenBrowser, Now: m.opts.Now,
		ResourceServer: &rs, Keys: m.issuerKeys,
		Progress: func(s string) {
			select {
			case m.progressCh <- s:
			default:
			}
		}}
	vars := flows.Vars{}
	vars.Merge(m.vars) // the step gets a copy: the model is not shared with its goroutine
	id := m.runSeq
	return m, func() tea.Msg {
		defer cancel()
		return stepDoneMsg{id: id, key: key, result: step.Run(ctx, env, vars)}
	}
}

func (m Model) indexOf(it item) int {
	for i, x := range m.items() {
		if x == it {
			return i
		}
	}
	return m.cursor
}

// nextStep is the first step after `after` that is not done, or the last.
func (m Model) nextStep(flow, after int) int {
	f := m.flows[flow]
	for j := after + 1; j < len(f.Steps); j++ {
		if m.stateOf(item{flow: flow, step: j, api: -1}).status != done {
			return j
		}
	}
	if after+1 < len(f.Steps) {
		return after + 1
	}
	return len(f.Steps) - 1
}

func (m Model) flowIDOf(it item) string {
	if it.api >= 0 {
		return ""
	}
	return m.flows[it.flow].ID
}

// isStep reports whether a state key is the step stepID of the flow flowID.
func (m Model) isStep(key, flowID, stepID string) bool {
	for i, f := range m.flows {
		if f.ID != flowID {
			continue
		}
		for j, st := range f.Steps {
			if st.ID == stepID && stepKey(item{flow: i, step: j, api: -1}) == key {
				return true
			}
		}
	}
	return false
}

func (m Model) onStepDone(msg stepDoneMsg) Model {
	if m.running == nil || msg.id != m.running.id {
		return m // a stale result (cancelled or superseded): drop it
	}
	st := m.state[msg.key]
	st.result = msg.result
	st.elapsed = m.opts.Now().Sub(st.started)
	st.status = done
	if msg.result.Failed() {
		st.status = failedStatus
	}
	m.vars.Merge(msg.result.Vars)
	m.running = nil
	if st.status == done && stepKey(m.selected()) == msg.key {
		m.walk = msg.key
	}
	if fb := m.opts.FakeBookIntrospects; fb != nil && !fb() {
		asked := m.isStep(msg.key, "revoke", "revoked") || m.isStep(msg.key, "introspect", "introspect")
		refused := msg.result.Err != nil && oauth.Explain(msg.result.Err).Status >= 400
		switch {
		case m.isStep(msg.key, "revoke", "revoke") && st.status == done:
			m.flash = "revocation accepted — FakeBook's local check cannot see it: try GET /books, v, again"
		case asked && refused:
			m.flash = "the server would not say: v makes FakeBook introspect with its own client, then GET /books tells"
		}
	}
	m.refresh()
	return m
}
