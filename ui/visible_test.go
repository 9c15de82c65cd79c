package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/safe/safetest"
	"github.com/oauthlab/oauthlab/oauth"
)

// A hostile issuer's escapes reach the screen only as visible text: in the
// outputs, the checks, the decoded token, the exchanges, the error, the
// events pane and the footer.
func TestHostileIssuerEscapesAreShownNotWritten(t *testing.T) {
	is := safetest.NewIssuer(t)
	tests := []struct {
		client string
		want   []string // beyond "nothing raw": what the detail pane must show
	}{
		{safetest.ClientOK, []string{"Bearer" + safetest.Shown, "kid k" + safetest.Shown, `\u009b31m\u202eevil`}},
		{safetest.ClientRefused, []string{safetest.Shown}},
		{safetest.ClientHTML, []string{"<title>" + safetest.Shown}},
	}
	for _, tc := range tests {
		t.Run(tc.client, func(t *testing.T) {
			m := New(Options{World: "hostile " + safetest.Payload, Flows: []flows.Flow{flows.ClientCredentials()}, Events: busEvents{events.NewBus()},
				Settings: flows.Settings{Issuer: is.URL, ClientID: tc.client, ClientSecret: "s3cret"}})
			mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			m = mm.(Model)
			m = press(t, m, enter) // discovery
			safetest.Check(t, "discovery detail", m.detail.render(m.selected(), 100), "grant_types_supported", safetest.Shown)
			safetest.Check(t, "discovery screen", m.View())
			m = press(t, m, enter) // the token request
			if st := m.stateOf(m.selected()).status; st != done && st != failedStatus {
				t.Fatalf("the token step did not run: status %d", st)
			}
			m.s.reveal = true
			safetest.Check(t, "token detail", m.detail.render(m.selected(), 100), tc.want...)
			// Events and the flash line: a request's path and decision.
			mm, _ = m.Update(eventMsg{Event: Event{Time: time.Now(), Server: "authserver", Method: "GET", Path: "/" + safetest.Payload,
				Status: 404, Decision: "no such endpoint " + safetest.Payload}})
			m = mm.(Model)
			m.flash = "copy failed: " + safetest.Payload
			view := m.View()
			safetest.Check(t, "token screen", view)
			for _, want := range []string{`GET /\x1b[2J`, `copy failed: \x1b[2J`} {
				if !strings.Contains(view, want) {
					t.Errorf("the screen lacks %s (the events pane, the footer):\n%s", want, view)
				}
			}
		})
	}
}

// Settings come from a profile file: outside text too.
func TestSettingsFromAFileAreShownNotWritten(t *testing.T) {
	m := New(Options{World: "profile x", Flows: []flows.Flow{flows.ClientCredentials()},
		Settings: flows.Settings{Issuer: "http://127.0.0.1:1/" + safetest.Payload, ClientID: "app" + safetest.Payload, Scopes: []string{safetest.Payload}}})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	safetest.Check(t, "the flow overview", mm.(Model).View(), "app"+safetest.Shown)
	m = press(t, mm.(Model), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'e'}})
	safetest.Check(t, "the settings form", m.View(), "app"+safetest.Shown)
}

// The overview of a flow that acts as the token's client names that client:
// its id came from the settings, outside text too.
func TestTokenOwnerIsShownNotWritten(t *testing.T) {
	m := New(Options{World: "profile x", Flows: []flows.Flow{flows.Revoke()}})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m = mm.(Model)
	m.runs.vars[flows.VarTokenClientID] = "app" + safetest.Payload
	safetest.Check(t, "the revoke overview", m.detail.render(flowRow(0), 100), "obtained by app"+safetest.Shown)
}

// The scope a 403's WWW-Authenticate names is the API's text: the hint
// that offers to get it (g) shows it, never acts on it.
func TestMissingScopeFromAnAPIIsShownNotWritten(t *testing.T) {
	m := fakeModel()
	scope := "admin\u009b31m\u202eevil"
	m.runs.state[apiRow(0)] = &stepState{status: failedStatus, result: flows.Result{Exchanges: []oauth.Exchange{{Status: http.StatusForbidden,
		ResponseHeader: http.Header{"Www-Authenticate": {`Bearer error="insufficient_scope", scope="` + scope + `"`}}}}}}
	safetest.Check(t, "the 403's hint", m.detail.render(apiRow(0), 100), `g gets a token with admin\u009b31m\u202eevil`)
}
