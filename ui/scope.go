package ui

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/flows"
)

// scopeFix is what g would do on row it: the scopes its refusal names
// (RFC 6750 §3 challenge, flows.MissingScopes) that the machine client does
// not ask for yet, and whether the current token is the machine client's,
// the one g fetches again. No scopes on any other row or result.
func (s *session) scopeFix(it item) (missing []string, machines bool) {
	if it.api < 0 {
		return nil, false
	}
	st := s.runs.stateOf(it)
	if st == nil || st.status != failedStatus {
		return nil, false
	}
	owner := s.runs.vars[flows.VarTokenClientID]
	return flows.MissingScopes(st.result, s.clients.Machine.Scopes), owner == "" || owner == s.clients.Machine.ClientID
}

// missingScopes are scopeFix's scopes for the selected row; ok is false
// when there are none.
func (m Model) missingScopes() (missing []string, ok bool) {
	missing, _ = m.s.scopeFix(m.selected())
	return missing, len(missing) > 0
}

// tokenStep is the step that gets the machine client a new token for its
// scopes (flows.RequestsScopes: client credentials).
func (m Model) tokenStep() (item, bool) {
	for i, f := range m.runs.flows {
		if _, lab := m.s.labOf(i); f.Client != flows.MachineClient || lab {
			continue // a lab's token is its own world's
		}
		for j, st := range f.Steps {
			if st.Effect == flows.RequestsScopes {
				return stepRow(i, j), true
			}
		}
	}
	return none, false
}

// addMissingScope (g) adds the scopes the selected API call lacks to the
// machine client's, shows the change, and re-runs the client-credentials
// token step; the cursor stays on the API call, so enter sends it again
// with the new token.
func (m Model) addMissingScope() (tea.Model, tea.Cmd) {
	if m.runs.running != nil {
		m.flash = "a step is running — esc cancels it"
		return m, nil
	}
	missing, machines := m.s.scopeFix(m.selected())
	if len(missing) == 0 {
		m.flash = "g works on an API call refused with insufficient_scope that names a scope the client does not ask for yet"
		return m, nil
	}
	machine := &m.s.clients.Machine
	if !machines {
		m.flash = "this token is " + m.runs.vars[flows.VarTokenClientID] + "'s: add " + strings.Join(missing, " ") + " to its scopes (e) and get its token again"
		return m, nil
	}
	tok, ok := m.tokenStep()
	if !ok {
		m.flash = "no client-credentials token step to get a new token with"
		return m, nil
	}
	before := strings.Join(machine.Scopes, " ")
	machine.Scopes = append(slices.Clone(machine.Scopes), missing...)
	cmd := m.start(tok)
	m.flash = "scopes: " + before + " → + " + strings.Join(missing, " ") + " — new token coming; then enter resends the call"
	return m, cmd
}
