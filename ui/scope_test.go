package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
)

// From the 403 insufficient_scope on POST /books to a 201 in two keys: g
// adds the scope the challenge names and gets a new token, enter sends the
// call again. On the way, the token view says what each claim means.
func TestMissingScopeKeyLeadsTo201(t *testing.T) {
	for _, style := range []authserver.Style{authserver.StyleKeycloak, authserver.StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			w, err := embedded.Start(context.Background(), embedded.Options{Style: style})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w)})
			mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			m = mm.(Model)
			tok, ok := m.tokenStep()
			if !ok {
				t.Fatal("no client-credentials token step")
			}
			m.s.open = tok.flow
			m.list.cursor = m.list.indexOf(stepRow(tok.flow, 0))
			m = press(t, m, enter) // discovery
			m.list.cursor = m.list.indexOf(tok)
			m = press(t, m, enter) // the token
			if st := m.stateOf(tok); st.status != done {
				t.Fatalf("token: status %v, err %v", st.status, st.result.Err)
			}
			shown := m.detail.render(tok, 100)
			for _, want := range []string{"issuer: the authorization server that made the token", "RFC 7519 §4.1.1", "kid", "which key of the issuer's jwks_uri signed it"} {
				if !strings.Contains(shown, want) {
					t.Errorf("the token view lacks %q", want)
				}
			}
			if strings.Contains(shown, "custom:") {
				t.Errorf("the embedded world's token has a claim explained as custom:\n%s", shown)
			}

			post := apiRow(2)
			m.list.cursor = m.list.indexOf(post)
			m = press(t, m, enter)
			if st := m.stateOf(post); st.status != failedStatus || oauth.Explain(st.result.Err).Status != http.StatusForbidden {
				t.Fatalf("POST /books: got %v %v, want a 403", st.status, st.result.Err)
			}
			if hint := "g gets a token with " + authserver.ScopeAdmin + ", then enter sends it again"; !strings.Contains(m.detail.render(post, 100), hint) {
				t.Errorf("the 403 must say what g does: want %q", hint)
			}
			m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'g'}})
			if want := "scopes: " + authserver.ScopeRead + " " + authserver.ScopeTestAPI + " → + " + authserver.ScopeAdmin; !strings.HasPrefix(m.flash, want) {
				t.Fatalf("flash after g: got %q, want it to start with %q", m.flash, want)
			}
			checkFooter(t, m, 120) // the whole status, at 120 columns
			if st := m.stateOf(tok); st.status != done {
				t.Fatalf("the token step after g: status %v, err %v", st.status, st.result.Err)
			}
			if m.selected() != post {
				t.Fatalf("the cursor left POST /books: on %+v", m.selected())
			}
			m = press(t, m, enter)
			if st := m.stateOf(post); st.status != done || len(st.result.Exchanges) == 0 || st.result.Exchanges[len(st.result.Exchanges)-1].Status != http.StatusCreated {
				t.Fatalf("POST /books after g, enter: status %v, err %v, want 201", st.status, st.result.Err)
			}
		})
	}
}

// g on a row that names no missing scope changes nothing.
func TestMissingScopeKeyElsewhereChangesNothing(t *testing.T) {
	m := fakeModel()
	before := strings.Join(m.s.clients.Machine.Scopes, " ")
	m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'g'}})
	if got := strings.Join(m.s.clients.Machine.Scopes, " "); got != before || m.runs.running != nil || !strings.Contains(m.flash, "insufficient_scope") {
		t.Fatalf("g on a flow row: scopes %q (want %q), running %v, flash %q", got, before, m.runs.running, m.flash)
	}
}
