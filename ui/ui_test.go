package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/oauthlab/oauthlab/embedded"
	"github.com/oauthlab/oauthlab/embedded/authserver"
	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/flows"
	"github.com/oauthlab/oauthlab/internal/setup"
	"github.com/oauthlab/oauthlab/oauth"
)

// updateGoldens reads the -update flag that charmbracelet/x/exp/golden
// (pulled in by teatest) already registers.
func updateGoldens() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func init() {
	lipgloss.SetColorProfile(termenv.Ascii)
	time.Local = time.UTC // goldens show local times
}

var fixedNow = time.Date(2026, 1, 1, 0, 2, 0, 0, time.UTC)

// fakeFlow has canned results, so the golden screens are stable.
func fakeFlow() flows.Flow {
	jwt, _ := oauth.DecodeJWT("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vaXNzdWVyLnRlc3QiLCJleHAiOjE3NjcyMjU5MDAsInNjb3BlIjoiZmFrZWJvb2thcGkucmVhZCJ9.c2ln")
	return flows.Flow{ID: "fake", Title: "Fake flow", Summary: "Two canned steps.", Steps: []flows.Step{
		{ID: "a", Title: "Get a token", Why: "Because tokens are how OAuth works (RFC 6749 §1.4).", RFC: "RFC 6749 §4.4", From: flows.Client, To: flows.AuthServer,
			Run: func(context.Context, *flows.Env, flows.Vars) flows.Result {
				return flows.Result{Vars: flows.Vars{flows.VarAccessToken: jwt.Raw},
					Outputs: []flows.Output{{Name: "scope", Value: "fakebookapi.read"}, {Name: "refresh_token", Value: "RT-very-secret", Secret: true}},
					Tokens:  []flows.Token{{Name: "access_token", Raw: jwt.Raw, JWT: jwt, Checks: []oauth.Check{{Name: "exp", Status: oauth.Pass, Reason: "expires in 3m"}, {Name: "aud", Status: oauth.Warn, Reason: "aud is account; not checked, since no audience is configured"}}}},
					Exchanges: []oauth.Exchange{{Method: "POST", URL: "http://issuer.test/token", Status: 200, Duration: 12 * time.Millisecond,
						RequestHeader: http.Header{"Authorization": {"Basic dGVzdF9hcGlfY2xpZW50OnMzY3IzdA=="}, "Content-Type": {"application/x-www-form-urlencoded"}},
						RequestBody:   []byte("grant_type=client_credentials"), ResponseBody: []byte(`{"access_token":"x","refresh_token":"RT-very-secret"}`)}}}
			}},
		{ID: "b", Title: "Fail politely", Why: "To show an error.", From: flows.Client, To: flows.ResourceServer,
			Run: func(context.Context, *flows.Env, flows.Vars) flows.Result {
				return flows.Result{Err: &oauth.Error{Op: "api", Status: 403, What: "the token lacks a scope", Cause: "it was issued without it", Try: "ask for fakebookapi.admin"}}
			}},
	}}
}

func fakeModel() Model {
	m := New(Options{World: "test world", Flows: []flows.Flow{fakeFlow()}, Now: func() time.Time { return fixedNow },
		Settings: flows.Settings{Issuer: "http://issuer.test", ClientID: "test_api_client", ClientSecret: "s3cr3t", Scopes: []string{"fakebookapi.read"}}})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return mm.(Model)
}

// press sends a key and, when it starts a step, runs it synchronously.
func press(t *testing.T, m Model, k tea.KeyMsg) Model {
	t.Helper()
	mm, cmd := m.Update(k)
	m = mm.(Model)
	if cmd != nil && m.runs.running != nil {
		mm, _ = m.Update(cmd())
		m = mm.(Model)
	}
	return m
}

var (
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	down  = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'j'}}
	rKey  = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'r'}}
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	got = regexp.MustCompile(`[ \t]+\n`).ReplaceAllString(got, "\n")
	path := filepath.Join("testdata", name+".golden")
	if updateGoldens() {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui/ -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test ./ui/ -update after checking):\n%s", name, path, got)
	}
}

func TestGoldenScreens(t *testing.T) {
	m := fakeModel()
	golden(t, "start", m.View())
	m = press(t, m, enter) // runs "Get a token"
	golden(t, "token-step", m.View())
	m = press(t, m, enter) // runs "Fail politely"
	golden(t, "failed-step", m.View())
}

func TestSecretsStayHiddenUntilRevealed(t *testing.T) {
	m := press(t, fakeModel(), enter)
	m.focus = detailPane
	all := m.detail.render(m.selected(), 200)
	if strings.Contains(all, "RT-very-secret") || strings.Contains(all, "dGVzdF9hcGlfY2xpZW50OnMzY3IzdA") {
		t.Fatal("a secret is on screen before r")
	}
	if !strings.Contains(m.View(), "secrets hidden") {
		t.Fatal("the reveal state is not visible")
	}
	m = press(t, m, rKey)
	if !strings.Contains(m.detail.render(m.selected(), 200), "RT-very-secret") || !strings.Contains(m.View(), "SECRETS SHOWN") {
		t.Fatal("r did not reveal")
	}
}

// A secret token that is a JWT (Keycloak's refresh tokens are) is a
// secret too: its compact form stays hidden until r; what it says, decoded,
// is shown.
func TestSecretJWTStaysHiddenUntilRevealed(t *testing.T) {
	jwt, _ := oauth.DecodeJWT("eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJSZWZyZXNoIn0.UkVGUkVTSC1TSUc")
	res := flows.Result{Tokens: []flows.Token{{Name: "refresh_token", Raw: jwt.Raw, JWT: jwt, Secret: true}}}
	f := flows.Flow{ID: "f", Title: "F", Steps: []flows.Step{{ID: "s", Title: "S", Why: "why",
		Run: func(context.Context, *flows.Env, flows.Vars) flows.Result { return res }}}}
	m := New(Options{World: "w", Flows: []flows.Flow{f}, Now: func() time.Time { return fixedNow }})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m = press(t, mm.(Model), enter)
	got := m.detail.render(m.selected(), 200)
	if strings.Contains(got, "UkVGUkVTSC1TSUc") || !strings.Contains(got, `"Refresh"`) {
		t.Fatalf("before r: want the token's signature hidden and its payload shown:\n%s", got)
	}
	m = press(t, m, rKey)
	if got := m.detail.render(m.selected(), 200); !strings.Contains(got, "UkVGUkVTSC1TSUc") {
		t.Fatalf("r did not reveal the token:\n%s", got)
	}
}

// escWhileRunning is fakeModel with its first step started and esc pressed
// while it runs, and the id of that run: the step is winding down.
func escWhileRunning() (Model, int) {
	mm, _ := fakeModel().Update(enter)
	m := mm.(Model)
	id := m.runs.running.id
	mm, _ = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	return mm.(Model), id
}

func TestStaleResultIsDropped(t *testing.T) {
	m, old := escWhileRunning()
	m.runs.running = &run{id: old + 1, it: stepRow(0, 0), cancel: func() {}} // a newer run started
	mm, _ := m.Update(stepDoneMsg{id: old, result: flows.Result{Err: errors.New("late")}})
	if mm.(Model).runs.state[stepRow(0, 0)].status != running {
		t.Fatal("a stale result replaced the newer run's state")
	}
}

func TestSmallTerminal(t *testing.T) {
	m := fakeModel()
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	v := mm.(Model).View()
	lines := strings.Split(v, "\n")
	if len(lines) > 24 {
		t.Fatalf("the screen has %d lines at 80×24", len(lines))
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > 80 {
			t.Fatalf("line %d is %d cells wide at 80×24: %q", i, w, l)
		}
	}
}

// stepper returns a function that sends a key, then (unless want is "")
// waits until the program has drawn want.
func stepper(t *testing.T, tm *teatest.TestModel) func(k tea.KeyMsg, want string) {
	return func(k tea.KeyMsg, want string) {
		t.Helper()
		tm.Send(k)
		t.Logf("sent %s, waiting for %q", k, want)
		if want != "" {
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
				teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
		}
	}
}

// The newcomer's path against the real embedded world: enter, enter, enter
// → a token; enter → GET /books 200; down, down, enter → POST /books 403.
func TestNewcomerPathAgainstEmbeddedWorld(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{Style: authserver.StyleOkta})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w), Events: busEvents{w.Events}})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	step := stepper(t, tm)
	step(enter, "token_endpoint")      // discovery's result
	step(enter, "Token: access_token") // the token, decoded
	step(enter, "next: call FakeBook")
	step(enter, "200 OK")
	step(down, "")
	step(down, "")
	// "insufficient_scope:" is in the explained 403 only; the step's
	// explanation names insufficient_scope too, without the colon.
	step(enter, "insufficient_scope:")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	post := fm.stateOf(item{flow: -1, step: -1, api: 2})
	if post.status != failedStatus || oauth.Explain(post.result.Err).Status != 403 {
		t.Fatalf("POST /books: got status %v err %v, want a 403 failure", post.status, post.result.Err)
	}
	get := fm.stateOf(item{flow: -1, step: -1, api: 0})
	if get.status != done {
		t.Fatalf("GET /books: got %v, want done", get.status)
	}
	if len(fm.events.events) == 0 {
		t.Fatal("no server-side events arrived")
	}
}

// The code flow with a fake browser that signs in by posting the form.
func TestCodeFlowWithAFakeBrowser(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	code := setup.EmbeddedSettings(w)
	code.ClientID, code.ClientSecret = authserver.NativeClientID, ""
	code.Scopes = []string{"openid", "profile", "offline_access", authserver.ScopeRead}
	opened := make(chan string, 1)
	browser := func(u string) error {
		opened <- u
		go func() {
			if resp, err := authservertest.SignIn(nil, u, "bob", "bob", "allow"); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w), CodeSettings: &code, OpenBrowser: browser})
	m.list.cursor = m.list.indexOf(item{flow: 1, step: -1, api: -1}) // "Authorization code + PKCE"
	m = press(t, m, enter)                                           // open it
	for i := 0; i < 4; i++ {
		m = press(t, m, enter) // discovery, sign in, exchange, userinfo
	}
	for j := 0; j < 4; j++ {
		if st := m.stateOf(item{flow: 1, step: j, api: -1}); st.status != done {
			t.Fatalf("step %d: status %v, err %v", j, st.status, st.result.Err)
		}
	}
	if u := <-opened; !strings.Contains(u, "code_challenge_method=S256") {
		t.Fatalf("the browser got %s", u)
	}
	if m.runs.vars[flows.VarRefreshToken] == "" || m.runs.vars[flows.VarIDToken] == "" {
		t.Fatal("no refresh or ID token after the code flow")
	}
}

func BenchmarkTokenScreenView(b *testing.B) {
	big := strings.Repeat("x", 8<<10)
	payload := `{"iss":"http://issuer.test","exp":1767225900,"scope":"a b c","blob":"` + big + `"}`
	raw := "eyJhbGciOiJSUzI1NiJ9." + b64(payload) + ".c2ln"
	jwt, err := oauth.DecodeJWT(raw)
	if err != nil {
		b.Fatal(err)
	}
	f := flows.Flow{ID: "t", Title: "T", Steps: []flows.Step{{Title: "token", Run: func(context.Context, *flows.Env, flows.Vars) flows.Result {
		return flows.Result{Tokens: []flows.Token{{Name: "access_token", Raw: raw, JWT: jwt}}}
	}}}}
	m := New(Options{World: "bench", Flows: []flows.Flow{f}, Now: func() time.Time { return fixedNow }})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m = mm.(Model)
	mm, cmd := m.Update(enter)
	m = mm.(Model)
	mm, _ = m.Update(cmd())
	m = mm.(Model)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.refresh() // re-render the token detail, as each tick does
		_ = m.View()
	}
}

// BenchmarkFirstFrame: starting the embedded world and drawing the first
// frame (RSA key generation runs in the background and is not waited for).
func BenchmarkFirstFrame(b *testing.B) {
	for i := 0; i < b.N; i++ {
		w, err := embedded.Start(context.Background(), embedded.Options{})
		if err != nil {
			b.Fatal(err)
		}
		m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w), Events: busEvents{w.Events}})
		mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		_ = mm.View()
		b.StopTimer()
		w.Close()
		b.StartTimer()
	}
}

// busEvents adapts an embedded world's event bus to the Server-side pane,
// as cmd_tui.go does.
type busEvents struct{ bus *events.Bus }

func (b busEvents) Subscribe() (func() (Event, bool), func()) {
	ch, stop := b.bus.Subscribe(64)
	return func() (Event, bool) {
		e, ok := <-ch
		return Event{Time: e.Time, Server: e.Server, Method: e.Method, Path: e.Path, Status: e.Status, Decision: e.Decision}, ok
	}, stop
}

func b64(s string) string {
	return strings.TrimRight(base64URL.EncodeToString([]byte(s)), "=")
}

var base64URL = base64.RawURLEncoding

func TestCopyWhileWaitingCopiesTheAuthorizationURL(t *testing.T) {
	var copied string
	m := fakeModel()
	m.opts.Copy = func(s string) error { copied = s; return nil }
	m.runs.running = &run{id: 1, it: stepRow(0, 0), cancel: func() {}}
	m.runs.state[stepRow(0, 0)] = &stepState{status: running}
	mm, _ := m.Update(progressMsg(flows.Progress{Text: "Open this URL to sign in (waiting for the callback on http://127.0.0.1:5000/callback):\nhttp://issuer.test/auth?client_id=x&state=y",
		URL: "http://issuer.test/auth?client_id=x&state=y"}))
	m = mm.(Model)
	m.list.cursor = m.list.indexOf(item{flow: 0, step: 0, api: -1})
	m.copyCurl()
	if copied != "http://issuer.test/auth?client_id=x&state=y" {
		t.Fatalf("copied %q", copied)
	}
}

func TestBookFormBuildsThePostBody(t *testing.T) {
	m := fakeModel()
	post := m.list.indexOf(item{flow: -1, step: -1, api: 2})
	m.list.cursor = post
	m = press(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'e'}})
	apiForm, _ := m.form.(*requestForm)
	if apiForm == nil || len(apiForm.inputs) != 7 {
		t.Fatal("e on POST /books must open the book form with path, method + 5 fields")
	}
	apiForm.inputs[rBody+3].SetValue("ten") // cost
	m = press(t, m, enter)
	if m.form == nil || !strings.Contains(apiForm.err, "cost must be a number") {
		t.Fatalf("a bad cost must be refused in the form, got %+v", m.form)
	}
	apiForm.inputs[rBody+3].SetValue("12.5")
	apiForm.inputs[rBody].SetValue("b101") // id
	m = press(t, m, enter)
	if m.form == nil || !strings.Contains(apiForm.err, "id must be a whole number") {
		t.Fatalf("an id that is no integer must be refused in the form, got %+v", m.form)
	}
	apiForm.inputs[rBody].SetValue("101")
	apiForm.inputs[rBody+1].SetValue("Neuromancer")
	m = press(t, m, enter)
	if m.form != nil {
		t.Fatal("the form did not close on enter")
	}
	body := string(m.opts.APICalls[2].Body)
	if !strings.Contains(body, `"id":101,`) || !strings.Contains(body, `"title":"Neuromancer"`) || !strings.Contains(body, `"cost":12.5`) {
		t.Fatalf("body: %s", body)
	}
}

func TestHeaderFitsTheWorldWithoutCuttingTheIssuer(t *testing.T) {
	world := "embedded keycloak-shaped world · http://127.0.0.1:8080/realms/myorg · FakeBook http://127.0.0.1:5000"
	tests := []struct {
		w    int
		want string
	}{
		{200, world},
		{lipgloss.Width(world) - 1, "embedded keycloak-shaped world · http://127.0.0.1:8080/realms/myorg"},
		{60, "keycloak-shaped · http://127.0.0.1:8080/realms/myorg"},
		{50, "keycloak · http://127.0.0.1:8080/realms/myorg"},
		{30, "keycloak · http://127.0.0.1:8…"},
	}
	for _, tt := range tests {
		got := fitWorld(world, tt.w)
		if got != tt.want {
			t.Errorf("fitWorld(%d) = %q, want %q", tt.w, got, tt.want)
		}
		if lipgloss.Width(got) > tt.w {
			t.Errorf("fitWorld(%d) is %d cells wide", tt.w, lipgloss.Width(got))
		}
	}
}

// What v teaches, against the embedded world: a revoked JWT still passes
// FakeBook's local check; switched to introspection, FakeBook asks the
// authorization server and the same token is refused with 401.
func TestRevokedTokenLocalVersusIntrospection(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w), Events: busEvents{w.Events},
		FakeBookIntrospects: func() bool { return w.Validation() == embedded.ValidateIntrospect },
		SetFakeBookIntrospects: func(on bool) {
			w.SetValidation(map[bool]embedded.Validation{true: embedded.ValidateIntrospect, false: embedded.ValidateLocal}[on])
		}})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	step := stepper(t, tm)
	vKey := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'v'}}
	step(enter, "token_endpoint")
	step(enter, "Token: access_token")
	for range 4 { // Authorization code, Refresh, Introspect, Revoke
		step(down, "")
	}
	step(enter, "Revoke the token")   // opens the Revoke flow
	step(enter, "✓ active before")    // the token is active before
	step(enter, "cannot see it")      // revokes, and says what to try
	step(down, "")                    // Introspect the token
	step(down, "")                    // Device authorization
	step(down, "")                    // Discovery
	step(down, "e edits the request") // GET /books
	step(enter, "200 OK")
	step(vKey, "introspects (v)")
	step(enter, "invalid_token:")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	get := fm.stateOf(item{flow: -1, step: -1, api: 0})
	if get.status != failedStatus || oauth.Explain(get.result.Err).Status != 401 {
		t.Fatalf("GET /books with a revoked token under introspection: got %v %v, want a 401 failure", get.status, get.result.Err)
	}
	if w.Validation() != embedded.ValidateIntrospect {
		t.Fatal("v did not switch the world's FakeBook to introspection")
	}
}

// The code flow waits for the browser; esc cancels the wait, says so, and
// frees the loopback port at once (a person retries on the same port, and
// Okta needs that exact port).
func TestCancellingTheCodeFlowFreesThePort(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	code := setup.EmbeddedSettings(w)
	code.ClientID, code.ClientSecret = authserver.NativeClientID, ""
	code.Scopes = []string{"openid", authserver.ScopeRead}
	code.RedirectPort = port
	m := New(Options{World: "embedded", Settings: setup.EmbeddedSettings(w), CodeSettings: &code,
		OpenBrowser: func(string) error { return nil }}) // a browser nobody uses
	m.list.cursor = m.list.indexOf(item{flow: 1, step: -1, api: -1})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	step := stepper(t, tm)
	step(enter, "")                         // open the flow
	step(enter, "authorization_endpoint")   // discovery
	step(enter, "waiting for the callback") // sign in: the listener is up
	if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		l.Close()
		t.Fatal("the callback port should be taken while waiting")
	}
	step(tea.KeyMsg{Type: tea.KeyEsc}, "cancelled")
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			l.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after esc the callback port %d is still taken: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if st := fm.stateOf(item{flow: 1, step: 1, api: -1}); st.status != failedStatus {
		t.Fatalf("the cancelled sign-in step: status %v, want failed (and retryable)", st.status)
	}
}

func TestReadableURLBreaksAnAuthorizationRequestIntoParameters(t *testing.T) {
	u := "http://127.0.0.1:8080/realms/myorg/protocol/openid-connect/auth?client_id=oauthlab-cli&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&scope=openid+fakebookapi.read"
	got := readableURL(u, 60)
	want := "http://127.0.0.1:8080/realms/myorg/protocol/openid-connect/auth\n?client_id=oauthlab-cli\n&redirect_uri=http://127.0.0.1:5000/callback\n&scope=openid fakebookapi.read"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for _, same := range []string{"http://short.test/a?b=c", "not a url at all, but long enough to need wrapping in a pane", "Bearer"} {
		if got := readableURL(same, 30); got != same {
			t.Errorf("readableURL(%q) = %q, want it unchanged", same, got)
		}
	}
}

// "enter retries" is offered only where sending the request again can
// help (a timeout, a 5xx), not on a 409 that will always be 409; a step
// whose token fails a check is shown failed.
func TestRetryHintAndFailedTokens(t *testing.T) {
	for _, tc := range []struct {
		name      string
		result    flows.Result
		wantRetry bool
	}{
		{"409", flows.Result{Err: &oauth.Error{Op: "api", Status: 409, What: "the server answered conflict (HTTP 409)", Try: "send another id"}}, false},
		{"timeout", flows.Result{Err: &oauth.Error{Op: "token", What: "no answer in time", Retry: true}}, true},
		{"bad token", flows.Result{Tokens: []flows.Token{{Name: "access_token", Checks: []oauth.Check{{Name: "signature", Status: oauth.Fail, Reason: "does not match"}}}}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.result
			f := flows.Flow{ID: "f", Title: "F", Steps: []flows.Step{{ID: "s", Title: "S", Why: "why",
				Run: func(context.Context, *flows.Env, flows.Vars) flows.Result { return res }}}}
			m := New(Options{World: "w", Flows: []flows.Flow{f}, Now: func() time.Time { return fixedNow }})
			mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			m = press(t, mm.(Model), enter)
			got := m.detail.render(m.selected(), 80)
			if !strings.Contains(got, "✗ failed") {
				t.Errorf("the step is not shown failed:\n%s", got)
			}
			if strings.Contains(got, "enter retries") != tc.wantRetry {
				t.Errorf("enter retries shown: got %v, want %v\n%s", !tc.wantRetry, tc.wantRetry, got)
			}
			// The error, or the failed check, is shown below the hint:
			// nothing is above it to point at.
			if strings.Contains(got, "cause above") {
				t.Errorf("the hint points at a cause above, but the step's error and checks come after it:\n%s", got)
			}
		})
	}
}

// Every flow title fits its row: a long one ends in … instead of wrapping
// and pushing the rows below it down (the real catalogue's "Device
// authorization (TV / CLI)" wrapped at 110 columns).
func TestLongFlowTitlesDoNotWrap(t *testing.T) {
	fl := flows.All()
	fl[0].Title = "A flow title far too long for the list pane of any terminal"
	m := New(Options{World: "test", Flows: fl})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	var left []string // the list pane: each line up to where the detail pane starts
	for _, l := range strings.Split(mm.(Model).View(), "\n") {
		if i := strings.Index(l, "││"); i >= 0 {
			left = append(left, l[:i])
		}
	}
	screen := strings.Join(left, "\n")
	if !strings.Contains(screen, "A flow title far") {
		t.Fatalf("the long title is not on screen:\n%s", screen)
	}
	if strings.Contains(screen, "any terminal") {
		t.Errorf("the long title wrapped onto a second row instead of ending in …:\n%s", screen)
	}
	for _, f := range fl[1:] {
		if !strings.Contains(screen, f.Title[:min(len(f.Title), 12)]) {
			t.Errorf("flow %q lost its row:\n%s", f.Title, screen)
		}
	}
}

// esc says "cancelling…" while the step winds down; once its result is in,
// the line no longer says so.
func TestCancellingIsNotSaidAfterTheStepEnded(t *testing.T) {
	m, id := escWhileRunning()
	if !strings.Contains(m.View(), "cancelling") {
		t.Fatal("esc on a running step: want cancelling… on the status line")
	}
	mm, _ := m.Update(stepDoneMsg{id: id, result: flows.Result{Err: context.Canceled}})
	if v := mm.(Model).View(); strings.Contains(v, "cancelling") {
		t.Errorf("the step ended, but the status line still says cancelling…:\n%s", v)
	}
}

// A device poll cancelled before the user answered (esc, or the step's
// time running out) keeps its code: enter polls again with the same user
// code, and the advice below says so — not, next to it, to start the
// device flow over.
func TestACancelledDevicePollHasOneInstruction(t *testing.T) {
	w, err := embedded.Start(context.Background(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f := flows.Device()
	poll := f.Steps[2].Run
	f.Steps[2].Run = func(ctx context.Context, env *flows.Env, vars flows.Vars) flows.Result {
		ctx, cancel := context.WithCancel(ctx)
		cancel() // esc before the first poll
		return poll(ctx, env, vars)
	}
	m := New(Options{World: "embedded", Flows: []flows.Flow{f}, Settings: setup.EmbeddedDeviceSettings(w)})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	m = mm.(Model)
	for range 3 {
		m = press(t, m, enter)
	}
	got := m.detail.render(m.selected(), 90)
	if !strings.Contains(got, "✗ failed") {
		t.Fatalf("the cancelled poll is not shown failed:\n%s", got)
	}
	for _, want := range []string{"enter retries", "run this step again to go on polling"} {
		if !strings.Contains(got, want) {
			t.Errorf("got no %q:\n%s", want, got)
		}
	}
	flat := strings.Join(strings.Fields(got), " ") // the pane wraps lines
	if strings.Contains(got, "fix the cause") || strings.Count(flat, "start the device flow again") != strings.Count(flat, "after that, start the device flow again") {
		t.Errorf("got a second instruction (fix the cause, or start over while the code works):\n%s", got)
	}
}

// A closed flow's overview says what enter does there — open the flow —
// not that it runs a step and that ↓ walks its steps, which ↓ does not
// while the flow is closed; once open, it says so.
func TestAClosedFlowSaysEnterOpensIt(t *testing.T) {
	m := New(Options{World: "test world", Flows: []flows.Flow{fakeFlow(), fakeFlow()}, Now: func() time.Time { return fixedNow },
		Settings: flows.Settings{Issuer: "http://issuer.test", ClientID: "test_api_client", ClientSecret: "s3cr3t"}})
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m = mm.(Model)
	m.list.selectRow(flowRow(0))
	m.list.cursor = m.list.indexOf(flowRow(1))
	screen := m.detail.render(flowRow(1), 100)
	if !strings.Contains(screen, "enter opens the flow") || strings.Contains(screen, "↓ shows each step") || strings.Contains(screen, "enter runs the next step") {
		t.Errorf("a closed flow: want the hint that enter opens it:\n%s", screen)
	}
	m = press(t, m, enter)
	if m.s.open != 1 {
		t.Fatalf("enter on the closed flow: open flow %d, want 1", m.s.open)
	}
	if screen := m.detail.render(flowRow(1), 100); !strings.Contains(screen, "enter runs the next step · e edits the settings · ↓ shows each step") {
		t.Errorf("the open flow: want the hint that enter runs its next step:\n%s", screen)
	}
}
