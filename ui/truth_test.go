package ui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
)

// Flow rows of flows.All().
const (
	codeFlow       = 1
	introspectFlow = 3
	revokeFlow     = 4
)

var up = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'k'}}

// signInBrowser completes the embedded login as bob, as a person would,
// and counts the authorization requests it was asked to open.
type signInBrowser struct {
	mu     sync.Mutex
	opened []string
}

func (b *signInBrowser) open(u string) error {
	b.mu.Lock()
	b.opened = append(b.opened, u)
	b.mu.Unlock()
	go func() {
		if resp, err := authservertest.SignIn(nil, u, "bob", "bob", "allow"); err == nil {
			resp.Body.Close()
		}
	}()
	return nil
}

func (b *signInBrowser) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.opened)
}

// A confidential client allowed to sign users in, beside the demo ones.
const webAppID, webAppSecret = "web-app", "web-app-secret"

// signInModel starts the embedded world and a workbench whose sign-in
// flows use the client id (the public oauthlab-cli, or web-app).
func signInModel(t *testing.T, clientID string) (Model, *signInBrowser) {
	t.Helper()
	// A confidential client's loopback redirect URI matches exactly, port
	// included (the any-port rule is for public native apps): register one.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	w, err := embedded.Start(context.Background(), embedded.Options{Clients: []authserver.Client{{ID: webAppID, Secret: webAppSecret,
		Grants: []string{"authorization_code", "refresh_token"}, Scopes: []string{"openid", "profile", "offline_access", authserver.ScopeRead},
		RedirectURIs: []string{fmt.Sprintf("http://127.0.0.1:%d/callback", port)}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	code := setup.EmbeddedSettings(w)
	code.ClientID, code.ClientSecret = clientID, ""
	if clientID == webAppID {
		code.ClientSecret, code.RedirectPort = webAppSecret, port
	}
	code.Scopes = []string{"openid", "profile", "offline_access", authserver.ScopeRead}
	b := &signInBrowser{}
	m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w), CodeSettings: &code, OpenBrowser: b.open})
	return m, b
}

func (m Model) at(flow, step int) *stepState { return m.stateOf(item{flow: flow, step: step, api: -1}) }

// signIn walks the code flow from its row: discovery, sign in, exchange, userinfo.
func signIn(t *testing.T, m Model) Model {
	t.Helper()
	m.list.cursor = m.list.indexOf(item{flow: codeFlow, step: -1, api: -1})
	m = press(t, m, enter) // open it
	for range 4 {
		m = press(t, m, enter)
	}
	for j := range 4 {
		if st := m.at(codeFlow, j); st.status != done {
			t.Fatalf("code flow step %d: status %v, err %v", j, st.status, st.result.Err)
		}
	}
	return m
}

// revoke opens the Revoke flow and walks its two steps.
func revoke(t *testing.T, m Model) Model {
	t.Helper()
	m.list.cursor = m.list.indexOf(item{flow: revokeFlow, step: -1, api: -1})
	m = press(t, m, enter) // open it
	m = press(t, m, enter) // is it active?
	m = press(t, m, enter) // revoke
	m = press(t, m, enter) // is it inactive?
	return m
}

// basicUser returns the client id of an HTTP Basic header, or "".
func basicUser(h http.Header) string {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h.Get("Authorization"), "Basic "))
	if err != nil {
		return ""
	}
	id, _, _ := strings.Cut(string(b), ":")
	id, _ = url.QueryUnescape(id)
	return id
}

// requestClient is who a recorded request authenticated as: Basic, or a
// client_id in the form body.
func requestClient(ex oauth.Exchange) string {
	if id := basicUser(ex.RequestHeader); id != "" {
		return id
	}
	form, _ := url.ParseQuery(string(ex.RequestBody))
	return form.Get("client_id")
}

// After the sign-in flow, the token is revoked and introspected as the
// client that obtained it, not as the machine client of the other flows;
// the verdict is what the server says afterwards.
func TestRevokeAfterSignInActsAsTheTokensClient(t *testing.T) {
	tests := []struct {
		client     string
		asker      string // who introspects
		wantStatus status // of the "is it inactive" step
		wantText   []string
	}{
		// A confidential client may introspect: inactive is the ✓.
		{webAppID, webAppID, done, []string{"✓ inactive", "the revocation took effect"}},
		// A public client may not (RFC 7662 §2.1): the resource server's
		// client asks, and the screen says so.
		{authserver.NativeClientID, authserver.DemoClientID, done, []string{"✓ inactive", "the revocation took effect", "oauthlab-cli is public"}},
	}
	for _, tt := range tests {
		t.Run(tt.client, func(t *testing.T) {
			m, _ := signInModel(t, tt.client)
			m = revoke(t, signIn(t, m))
			rv := m.at(revokeFlow, 1)
			if rv.status != done || len(rv.result.Exchanges) == 0 {
				t.Fatalf("revoke: status %v err %v, want done with a request", rv.status, rv.result.Err)
			}
			if got := requestClient(rv.result.Exchanges[len(rv.result.Exchanges)-1]); got != tt.client {
				t.Fatalf("the revocation authenticated as %q, want %q (the client that obtained the token)", got, tt.client)
			}
			after := m.at(revokeFlow, 2)
			if after.status != tt.wantStatus {
				t.Fatalf("after revocation: status %v (err %v, checks %+v), want %v", after.status, after.result.Err, after.result.Checks, tt.wantStatus)
			}
			if got := requestClient(after.result.Exchanges[len(after.result.Exchanges)-1]); got != tt.asker {
				t.Fatalf("the introspection authenticated as %q, want %q", got, tt.asker)
			}
			screen := m.detail.render(m.selected(), 200)
			for _, want := range tt.wantText {
				if !strings.Contains(screen, want) {
					t.Errorf("the screen does not say %q:\n%s", want, screen)
				}
			}
			if strings.Contains(screen, "active true") || strings.Contains(screen, "✓ active") {
				t.Errorf("the screen claims the token is active:\n%s", screen)
			}
		})
	}
}

// An introspection on screen that found the token active no longer says
// so once the Revoke flow has revoked that token: its ✓ active turns ✗,
// saying why, in the step and in the list.
func TestRevocationTurnsAnEarlierIntrospectionsActive(t *testing.T) {
	m, _ := signInModel(t, authserver.NativeClientID)
	m = signIn(t, m)
	m.list.cursor = m.list.indexOf(item{flow: introspectFlow, step: -1, api: -1})
	m = press(t, m, enter) // open it
	m = press(t, m, enter) // introspect
	if st := m.at(introspectFlow, 0); st.status != done || !strings.Contains(m.detail.render(m.selected(), 200), "✓ active") {
		t.Fatalf("introspect before revoking: status %v (err %v), want done with ✓ active", st.status, st.result.Err)
	}
	m = revoke(t, m)
	if st := m.at(revokeFlow, 1); st.status != done {
		t.Fatalf("revoke: status %v (err %v), want the token inactive", st.status, st.result.Err)
	}
	m.list.selectRow(item{flow: introspectFlow, step: 0, api: -1})
	screen := m.detail.render(m.selected(), 200)
	if strings.Contains(screen, "✓ active") || !strings.Contains(screen, "✗ active") || !strings.Contains(screen, "revoked since") {
		t.Errorf("the introspection before the revocation: want ✗ active saying the token was revoked since, got:\n%s", screen)
	}
	if st := m.at(introspectFlow, 0); st.status != failedStatus || !strings.Contains(m.View(), "✗ Introspect the token") {
		t.Errorf("the introspection before the revocation: status %v, want failed in the list too", st.status)
	}
}

// A server that answers 200 to the revocation but still calls the token
// active: the Revoke flow shows ✗ with the reason, not ✓ revoked. One that
// called the token inactive before the revocation too: ⚠, never "the
// revocation took effect".
func TestRevocationThatDoesNotTakeEffectFails(t *testing.T) {
	tests := []struct {
		name                      string
		activeBefore, stillActive bool
		want                      status
		text                      string
	}{
		{"honest server", true, false, done, "✓ inactive"},
		{"200 but still active", true, true, failedStatus, "still says the token is active"},
		{"inactive before too", false, false, done, "does not show the revocation took effect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			revoked := false
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/revoke":
					revoked = true
				case "/introspect":
					w.Header().Set("Content-Type", "application/json")
					json.NewEncoder(w).Encode(map[string]any{"active": map[bool]bool{false: tt.activeBefore, true: tt.stillActive}[revoked], "client_id": "app"})
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			m := New(Options{World: "hostile", HTTP: srv.Client(), Settings: flows.Settings{Issuer: srv.URL, ClientID: "app", ClientSecret: "s3cret"}})
			m.runs.vars = flows.Vars{flows.VarTokenEndpoint: srv.URL + "/token", flows.VarRevocationEndpoint: srv.URL + "/revoke",
				flows.VarIntrospectionEndpoint: srv.URL + "/introspect", flows.VarAccessToken: "opaque", flows.VarTokenClientID: "app"}
			m = revoke(t, m)
			if st := m.at(revokeFlow, 1); st.status != done {
				t.Fatalf("revoke: got %v (%v), want done: the server accepted it", st.status, st.result.Err)
			}
			// What the server said before the revocation stays true after it.
			if st := m.at(revokeFlow, 0); st.status != done {
				t.Fatalf("the check before the revocation: got %v (%+v), want done", st.status, st.result.Checks)
			}
			if st := m.at(revokeFlow, 2); st.status != tt.want {
				t.Fatalf("after revocation: got %v, want %v", st.status, tt.want)
			}
			if screen := m.detail.render(m.selected(), 200); !strings.Contains(screen, tt.text) {
				t.Fatalf("the screen does not say %q:\n%s", tt.text, screen)
			}
		})
	}
}

// enter on a done Sign-in step signs in again — a new authorization
// request — and the steps after it become pending. A sign-in started
// without the discovery step keeps the endpoints it discovered, so the
// exchange works.
func TestEnterOnADoneSignInSignsInAgain(t *testing.T) {
	m, b := signInModel(t, authserver.NativeClientID)
	m.list.cursor = m.list.indexOf(item{flow: codeFlow, step: -1, api: -1})
	m = press(t, m, enter) // open the flow
	m = press(t, m, down)  // discovery
	m = press(t, m, down)  // sign in, skipping discovery
	m = press(t, m, enter)
	if st := m.at(codeFlow, 1); st.status != done {
		t.Fatalf("sign in: %v %v", st.status, st.result.Err)
	}
	if m.runs.vars[flows.VarTokenEndpoint] == "" {
		t.Fatalf("the sign-in step lost the endpoints it discovered: vars %v", m.runs.vars)
	}
	m = press(t, m, enter) // walks on: the exchange
	if st := m.at(codeFlow, 2); st.status != done {
		t.Fatalf("exchange after sign in: %v %v", st.status, st.result.Err)
	}
	m = press(t, m, up) // back to the ✓ Sign in
	if it := m.selected(); it.step != 1 {
		t.Fatalf("cursor on %+v, want the sign-in step", it)
	}
	m = press(t, m, enter)
	if got := b.count(); got != 2 {
		t.Fatalf("enter on a done sign-in opened %d authorization requests in all, want 2 (it must sign in again)", got)
	}
	if st := m.at(codeFlow, 1); st.status != done {
		t.Fatalf("second sign in: %v %v", st.status, st.result.Err)
	}
	if st := m.at(codeFlow, 2); st.status != pending {
		t.Fatalf("the exchange after a new sign-in: %v, want pending (its result belonged to the old code)", st.status)
	}
	if m.runs.vars[flows.VarTokenEndpoint] == "" || m.runs.vars[flows.VarAuthorizationEndpoint] == "" {
		t.Fatalf("signing in again lost discovery's endpoints: %v", m.runs.vars)
	}
	m = press(t, m, enter) // the new code is exchanged
	if st := m.at(codeFlow, 2); st.status != done {
		t.Fatalf("exchange of the new code: %v %v", st.status, st.result.Err)
	}
}

// With the clock moved past exp, the token's countdown and its exp check
// agree that it expired, and the step turns ✗.
func TestExpiredTokenTurnsTheStepFailed(t *testing.T) {
	now := fixedNow // the fake token expires at 00:05:00
	m := fakeModel()
	m.opts.Now = func() time.Time { return now }
	m = press(t, m, enter)
	screen := m.detail.render(m.selected(), 200)
	if m.at(0, 0).status != done || !strings.Contains(screen, "✓ exp") || !strings.Contains(screen, "expires in 3m0s") {
		t.Fatalf("before exp: status %v, want done and ✓ exp:\n%s", m.at(0, 0).status, screen)
	}
	now = fixedNow.Add(3*time.Minute + 13*time.Second)
	mm, _ := m.Update(tickMsg(now))
	m = mm.(Model)
	screen = m.detail.render(m.selected(), 200)
	for _, want := range []string{"EXPIRED 13s ago", "✗ exp        expired 13s ago", "✗ no longer holds: done in"} {
		if !strings.Contains(screen, want) {
			t.Errorf("after exp: the screen does not say %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "✓ exp") {
		t.Errorf("after exp: a ✓ exp is still shown:\n%s", screen)
	}
	if m.at(0, 0).status != failedStatus || !strings.Contains(m.View(), "✗ Get a token") {
		t.Fatalf("after exp: step status %v, want failed in the list too", m.at(0, 0).status)
	}
}

func (s status) String() string {
	return [...]string{pending: "pending", running: "running", done: "done", failedStatus: "failed"}[s]
}

// c on a step of several exchanges copies them all, in order: on the
// token step, the token request first, not only the key set fetched after
// it to check the token; the secret stays a variable.
func TestCurlCopiesEveryRequestOfTheStep(t *testing.T) {
	m, _ := signInModel(t, authserver.NativeClientID)
	var copied string
	m.opts.Copy = func(s string) error { copied = s; return nil }
	m = press(t, m, enter) // discovery
	m = press(t, m, enter) // the token
	if st := m.at(0, 1); st.status != done || len(st.result.Exchanges) != 2 {
		t.Fatalf("token step: status %v (err %v), %d exchanges, want done with the token request and the key set", st.status, st.result.Err, len(st.result.Exchanges))
	}
	m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'c'}})
	token, keys := strings.Index(copied, "grant_type=client_credentials"), strings.Index(copied, "/certs")
	if token < 0 || keys < token || !strings.Contains(copied, "$OAUTHLAB_CLIENT_SECRET") || strings.Contains(copied, authserver.DemoClientSecret) {
		t.Errorf("c copied:\n%s\nwant the token request, then the key set, the secret as $OAUTHLAB_CLIENT_SECRET", copied)
	}
	if screen := m.detail.render(m.selected(), 200); !strings.Contains(screen, "c copies these 2 requests as curl") {
		t.Errorf("the step does not say what c copies:\n%s", screen)
	}
	// Pasted, the commands read variables: the status line says which,
	// and where the TUI gives them.
	if !strings.Contains(m.flash, "set $OAUTHLAB_CLIENT_SECRET first (r shows the secret)") {
		t.Errorf("after c on the token step the status line says %q, want the variable to set and where to find it", m.flash)
	}
	m.list.selectRow(apiRow(0))
	m = press(t, m, enter) // GET /books with the token
	m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'c'}})
	if !strings.Contains(copied, "$OAUTHLAB_ACCESS_TOKEN") || !strings.Contains(m.flash, "set $OAUTHLAB_ACCESS_TOKEN first (y copies the access token)") {
		t.Errorf("after c on an API call the status line says %q, want $OAUTHLAB_ACCESS_TOKEN and y named", m.flash)
	}
}

// A step that redeemed a code says, once its tokens expired, what gets new
// ones: running it alone again fails, for the code is spent.
func TestExpiredExchangeDoesNotOfferToRunItAgain(t *testing.T) {
	m, _ := signInModel(t, authserver.NativeClientID)
	m = signIn(t, m)
	later := time.Now().Add(24 * time.Hour)
	m.opts.Now = func() time.Time { return later }
	mm, _ := m.Update(tickMsg(later))
	m = mm.(Model)
	exchange := item{flow: codeFlow, step: 2, api: -1}
	m.list.cursor = m.list.indexOf(exchange)
	screen := m.detail.render(exchange, 200)
	if st := m.at(codeFlow, 2); st.status != failedStatus {
		t.Fatalf("exchange after its tokens expired: %v, want failed:\n%s", st.status, screen)
	}
	if strings.Contains(screen, "enter runs it again") || !strings.Contains(screen, "run the flow from its first step") {
		t.Fatalf("got a hint that enter runs the exchange again, want run the flow from its first step:\n%s", screen)
	}
	// The hint is true: enter runs it, and it fails for want of a code.
	m = press(t, m, enter)
	if st := m.at(codeFlow, 2); st.status != failedStatus || st.result.Err == nil {
		t.Fatalf("running the exchange again: %v %v, want failed for want of a code", st.status, st.result.Err)
	}
}

// A step that may simply run again keeps its hint when its token expired.
func TestExpiredTokenStepOffersToRunItAgain(t *testing.T) {
	now := fixedNow
	m := fakeModel()
	m.opts.Now = func() time.Time { return now }
	m = press(t, m, enter)
	now = fixedNow.Add(time.Hour)
	mm, _ := m.Update(tickMsg(now))
	m = mm.(Model)
	if screen := m.detail.render(m.selected(), 200); !strings.Contains(screen, "enter runs it again") {
		t.Fatalf("got no hint to run the token step again, want one:\n%s", screen)
	}
}
