package authserver

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/embedded/internal/httpguard/httpguardtest"
)

// otherApp is a second public native client, to present codes and refresh
// tokens that were not issued to it.
var otherApp = Client{ID: "other-app", Grants: []string{"authorization_code", "refresh_token"},
	Scopes: []string{"openid", "offline_access", ScopeRead}, RedirectURIs: []string{"http://127.0.0.1/callback"}}

const edgeRedirect = "http://127.0.0.1:40000/callback"

// nativeCode signs alice in for oauthlab-cli (PKCE S256, offline_access so
// that both shapes issue a refresh token) and returns the code and verifier.
func nativeCode(t *testing.T, f *fixture) (code, verifier string) {
	t.Helper()
	verifier, challenge := pkce()
	q := url.Values{"client_id": {NativeClientID}, "redirect_uri": {edgeRedirect}, "response_type": {"code"},
		"scope": {"openid offline_access " + ScopeRead}, "state": {"s"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	return codeFlow(t, f, q, "alice", "alice").Query().Get("code"), verifier
}

// nativeTokens signs alice in for oauthlab-cli (nativeCode) and redeems
// the code: her access and refresh tokens.
func nativeTokens(t *testing.T, f *fixture) (access, refresh string) {
	t.Helper()
	code, verifier := nativeCode(t, f)
	return tokensOf(t, f.post(t, f.s.paths().token, redeem(NativeClientID, code, verifier), "", ""))
}

func redeem(client, code, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {edgeRedirect},
		"client_id": {client}, "code_verifier": {verifier}}
}

func refreshForm(client, rt string, kv ...string) url.Values {
	return with(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {client}}, kv...)
}

// active asks the introspection endpoint whether tok is active.
func (f *fixture) active(t *testing.T, tok string) bool {
	t.Helper()
	in := f.post(t, f.s.paths().introspect, url.Values{"token": {tok}}, IntrospectClientID, IntrospectClientSecret)
	if in.status != 200 {
		t.Fatalf("introspection: got %d %s, want 200", in.status, in.raw)
	}
	return in.body["active"] == true
}

// tokensOf returns the access and refresh tokens of a 200 answer.
func tokensOf(t *testing.T, a answer) (access, refresh string) {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("got %d %s, want 200 with tokens", a.status, a.raw)
	}
	access, _ = a.body["access_token"].(string)
	refresh, _ = a.body["refresh_token"].(string)
	if access == "" || refresh == "" {
		t.Fatalf("want an access and a refresh token, got %s", a.raw)
	}
	return access, refresh
}

// eventWith waits for the first event whose decision and details contain
// every one of want.
func eventWith(t *testing.T, ch <-chan events.Event, want ...string) events.Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-ch:
			text := e.Decision + "\n" + strings.Join(e.Details, "\n")
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(text, w)
			}
			if ok {
				return e
			}
		case <-timeout:
			t.Fatalf("no event saying %q", want)
			return events.Event{}
		}
	}
}

var bothStyles = []Style{StyleKeycloak, StyleOkta}

// A code presented by a client it was not issued to is refused and left
// as it was: its owner still redeems it. Once redeemed, presenting it
// again revokes nothing unless the request proves it comes from the code's
// client (the PKCE verifier, for a public client): otherwise whoever saw
// the code could revoke its owner's tokens. The owner's own replay does
// revoke them (RFC 6749 §4.1.2), and the event says so.
func TestCodeOfAnotherClientIsNotBurned(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style, func(c *Config) { c.Clients = []Client{otherApp} })
			ch, cancel := f.bus.Subscribe(256)
			defer cancel()
			code, verifier := nativeCode(t, f)
			if a := f.post(t, f.s.paths().token, redeem(otherApp.ID, code, verifier), "", ""); a.status != 400 || a.body["error"] != "invalid_grant" {
				t.Fatalf("another client's redemption: got %d %s, want 400 invalid_grant", a.status, a.raw)
			}
			if a := f.post(t, f.s.paths().token, redeem(NativeClientID, code, strings.Repeat("w", 43)), "", ""); a.status != 400 {
				t.Fatalf("a wrong verifier: got %d %s, want 400", a.status, a.raw)
			}
			access, refresh := tokensOf(t, f.post(t, f.s.paths().token, redeem(NativeClientID, code, verifier), "", ""))

			for _, tt := range []struct {
				name string
				form url.Values
			}{
				{"another client, with the verifier", redeem(otherApp.ID, code, verifier)},
				{"the owner's client_id without a verifier", with(redeem(NativeClientID, code, ""), "code_verifier", "")},
				{"the owner's client_id with a wrong verifier", redeem(NativeClientID, code, strings.Repeat("w", 43))},
			} {
				a := f.post(t, f.s.paths().token, tt.form, "", "")
				if a.status != 400 || a.body["error"] != "invalid_grant" || a.body["error_description"] != f.s.pick("Code not valid", "The authorization code is invalid or has expired.") {
					t.Fatalf("%s: got %d %s, want 400 invalid_grant with the shape's text", tt.name, a.status, a.raw)
				}
				if !f.active(t, access) || !f.active(t, refresh) {
					t.Fatalf("%s: the owner's tokens were revoked by a request that proved nothing", tt.name)
				}
			}
			eventWith(t, ch, "redeemed already", "nothing revoked")

			if a := f.post(t, f.s.paths().token, redeem(NativeClientID, code, verifier), "", ""); a.status != 400 || a.body["error"] != "invalid_grant" {
				t.Fatalf("the owner's replay: got %d %s, want 400 invalid_grant", a.status, a.raw)
			}
			if f.active(t, access) || f.active(t, refresh) {
				t.Fatal("after the owner's replay the tokens issued from the code must be inactive")
			}
			eventWith(t, ch, "redeemed already", "revoked every token issued from it", "RFC 6749 §4.1.2")
		})
	}
}

// 50 parallel redemptions of one code: exactly one gets tokens, and
// afterwards every token it got is inactive, however the requests
// interleaved (a replay while the first redemption is still signing its
// tokens used to miss them).
func TestCodeReplayedInParallelRevokesEverythingItIssued(t *testing.T) {
	const parallel, trials = 50, 4
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			for trial := range trials {
				code, verifier := nativeCode(t, f)
				answers, errs := make([]answer, parallel), make([]error, parallel)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range parallel {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						answers[i], errs[i] = f.postErr(f.s.paths().token, redeem(NativeClientID, code, verifier), "", "")
					}()
				}
				close(start)
				wg.Wait()
				var issued []answer
				for i, a := range answers {
					if errs[i] != nil {
						t.Fatal(errs[i])
					}
					switch {
					case a.status == 200:
						issued = append(issued, a)
					case a.status != 400 || a.body["error"] != "invalid_grant":
						t.Fatalf("trial %d: a redemption got %d %s, want 200 or 400 invalid_grant", trial, a.status, a.raw)
					}
				}
				if len(issued) != 1 {
					t.Fatalf("trial %d: %d redemptions of one code succeeded, want exactly 1", trial, len(issued))
				}
				access, refresh := tokensOf(t, issued[0])
				if f.active(t, access) || f.active(t, refresh) {
					t.Fatalf("trial %d: a token issued from the replayed code is still active", trial)
				}
				if a := f.post(t, f.s.paths().token, refreshForm(NativeClientID, refresh), "", ""); a.status != 400 {
					t.Fatalf("trial %d: the revoked refresh token still refreshes: %d %s", trial, a.status, a.raw)
				}
			}
		})
	}
}

// A refresh that fails does not spend the refresh token.
func TestFailedRefreshKeepsTheRefreshToken(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style, func(c *Config) { c.Clients = []Client{otherApp} })
			_, rt := nativeTokens(t, f)
			wantScope := f.s.pick("Invalid scopes: "+ScopeAdmin, "The requested scope is invalid, unknown, or malformed.")
			if a := f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt, "scope", ScopeAdmin), "", ""); a.status != 400 ||
				a.body["error"] != "invalid_scope" || a.body["error_description"] != wantScope {
				t.Fatalf("a scope never granted: got %d %s, want 400 invalid_scope %q", a.status, a.raw, wantScope)
			}
			if a := f.post(t, f.s.paths().token, refreshForm(otherApp.ID, rt), "", ""); a.status != 400 || a.body["error"] != "invalid_grant" {
				t.Fatalf("another client's refresh: got %d %s, want 400 invalid_grant", a.status, a.raw)
			}
			if a := f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt, "scope", ScopeRead), "", ""); a.status != 200 {
				t.Fatalf("after the failed refreshes the token must still work: got %d %s", a.status, a.raw)
			}
		})
	}
}

// A rotated-out refresh token presented again by its client is reuse: the
// whole grant is revoked (RFC 9700 §4.14.2) and the event says so. Another
// client presenting it revokes nothing.
func TestRefreshReuseRevokesTheGrant(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style, func(c *Config) { c.Clients = []Client{otherApp} })
			ch, cancel := f.bus.Subscribe(256)
			defer cancel()
			at0, rt0 := nativeTokens(t, f)
			at1, rt1 := tokensOf(t, f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt0), "", ""))
			if a := f.post(t, f.s.paths().token, refreshForm(otherApp.ID, rt0), "", ""); a.status != 400 || a.body["error"] != "invalid_grant" {
				t.Fatalf("another client presenting the rotated-out token: got %d %s, want 400 invalid_grant", a.status, a.raw)
			}
			if !f.active(t, at1) || !f.active(t, rt1) {
				t.Fatal("another client's request revoked the grant")
			}
			want := f.s.pick("Invalid refresh token", "The refresh token is invalid or expired.")
			if a := f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt0), "", ""); a.status != 400 ||
				a.body["error"] != "invalid_grant" || a.body["error_description"] != want {
				t.Fatalf("reuse: got %d %s, want 400 invalid_grant %q", a.status, a.raw, want)
			}
			for name, tok := range map[string]string{"first access": at0, "current access": at1, "current refresh": rt1} {
				if f.active(t, tok) {
					t.Errorf("after reuse the %s token is still active", name)
				}
			}
			if a := f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt1), "", ""); a.status != 400 {
				t.Fatalf("the current refresh token after reuse: got %d %s, want 400", a.status, a.raw)
			}
			eventWith(t, ch, "reuse of a rotated-out refresh token", "revoked every token of its grant", "RFC 9700 §4.14.2")
		})
	}
}

// The authorization endpoint's edges, before anything is redirected: a
// redirect URI with a fragment, a confidential client's loopback redirect
// URI on another port, a duplicated client_id or redirect_uri are refused on
// the page; other duplicated parameters go back as invalid_request.
func TestAuthorizationRequestEdges(t *testing.T) {
	webApp := Client{ID: "web-app", Secret: "web-app-secret", Grants: []string{"authorization_code"}, Scopes: []string{"openid"},
		RedirectURIs: []string{"http://127.0.0.1/callback", "http://127.0.0.1:41000/callback"}}
	// A public client whose redirect URI is not on loopback: the any-port
	// rule of RFC 8252 §7.3 is for loopback only.
	spa := Client{ID: "spa", Grants: []string{"authorization_code"}, Scopes: []string{"openid"}, RedirectURIs: []string{"http://app.example/callback"}}
	_, challenge := pkce()
	native := url.Values{"client_id": {NativeClientID}, "redirect_uri": {edgeRedirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"st"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	web := with(native, "client_id", webApp.ID, "redirect_uri", "http://127.0.0.1:41000/callback")
	dup := func(v url.Values, k, extra string) url.Values {
		out := with(v)
		out[k] = append(out[k], extra)
		return out
	}
	tests := []struct {
		name string
		q    url.Values
		// page: refused on the page; else the redirect's error ("" = the login page).
		page      string
		wantError string
		wantState string
	}{
		{"public client, any loopback port", native, "", "", ""},
		{"confidential client, its exact redirect URI", web, "", "", ""},
		{"fragment", with(native, "redirect_uri", edgeRedirect+"#x"), "has a fragment", "", ""},
		{"empty fragment", with(native, "redirect_uri", edgeRedirect+"#"), "has a fragment", "", ""},
		{"confidential client, loopback on another port", with(web, "redirect_uri", edgeRedirect), "is not registered for web-app", "", ""},
		{"public client, its exact non-loopback redirect URI", with(native, "client_id", spa.ID, "redirect_uri", "http://app.example/callback"), "", "", ""},
		{"public client, a non-loopback host on another port", with(native, "client_id", spa.ID, "redirect_uri", "http://app.example:8080/callback"), "is not registered for spa", "", ""},
		{"duplicated client_id", dup(native, "client_id", "other"), "duplicated parameter client_id", "", ""},
		{"duplicated redirect_uri", dup(native, "redirect_uri", "http://127.0.0.1:1/callback"), "duplicated parameter redirect_uri", "", ""},
		{"duplicated scope", dup(native, "scope", "profile"), "", "invalid_request", "st"},
		{"duplicated code_challenge", dup(native, "code_challenge", challenge), "", "invalid_request", "st"},
		{"duplicated state", dup(native, "state", "other"), "", "invalid_request", ""},
	}
	for _, style := range bothStyles {
		f := start(t, style, func(c *Config) { c.Clients = []Client{webApp, spa} })
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, tt := range tests {
			t.Run(string(style)+" "+tt.name, func(t *testing.T) {
				resp, err := noRedirect.Get(f.s.Issuer() + f.s.paths().auth + "?" + tt.q.Encode())
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				loc := resp.Header.Get("Location")
				switch {
				case tt.page != "":
					if resp.StatusCode != 400 || loc != "" || !strings.Contains(string(body), tt.page) {
						t.Fatalf("got %d Location=%q, want 400 on the page saying %q", resp.StatusCode, loc, tt.page)
					}
				case tt.wantError != "":
					u, _ := url.Parse(loc)
					if resp.StatusCode != http.StatusFound || u.Query().Get("error") != tt.wantError ||
						!strings.HasPrefix(u.Query().Get("error_description"), "duplicated parameter") || u.Query().Get("state") != tt.wantState {
						t.Fatalf("got %d Location=%q, want a redirect with error=%s and state %q", resp.StatusCode, loc, tt.wantError, tt.wantState)
					}
				default:
					if resp.StatusCode != 200 || !strings.Contains(string(body), "Sign in") {
						t.Fatalf("got %d Location=%q, want the login page", resp.StatusCode, loc)
					}
				}
			})
		}
	}
}

// A login form posted from another site is refused: nobody is signed in
// and no code leaves. The form posted from the page the server showed to
// this browser works.
func TestLoginFormRefusesCrossSitePosts(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			ch, cancel := f.bus.Subscribe(256)
			defer cancel()
			_, challenge := pkce()
			q := url.Values{"client_id": {NativeClientID}, "redirect_uri": {edgeRedirect}, "response_type": {"code"},
				"scope": {"openid"}, "state": {"st"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
			authURL := f.s.Issuer() + f.s.paths().auth
			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			open := func() (*http.Client, *authservertest.Form) {
				b := authservertest.WithJar(noRedirect)
				form, err := authservertest.Open(b, authURL+"?"+q.Encode())
				if err != nil {
					t.Fatal(err)
				}
				if form.Fields.Get(formField) == "" {
					t.Fatalf("the login form carries no %s", formField)
				}
				return b, form
			}
			victim, victimForm := open()
			_, attackerForm := open()
			old := strings.Split(victimForm.Fields.Get(formField), ".")
			staleTS := fmt.Sprint(time.Now().Add(-formTTL - time.Minute).Unix())
			cookie := ""
			for _, c := range victim.Jar.Cookies(victimForm.Action) {
				if c.Name == formCookie {
					cookie = c.Value
				}
			}
			stale := staleTS + "." + old[1] + "." + f.s.formMAC(cookie, staleTS, old[1])

			post := func(c *http.Client, fields url.Values, header map[string]string) *http.Response {
				// The attacker's own account, here a demo user.
				v := with(fields, "username", "bob", "password", "bob", "consent", "allow")
				req, _ := http.NewRequest("POST", authURL, strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				for k, val := range header {
					req.Header.Set(k, val)
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp
			}
			for _, tt := range []struct {
				name   string
				client *http.Client
				fields url.Values
				header map[string]string
			}{
				{"a plain post: no cookie, no anti-forgery value", noRedirect, q, nil},
				{"the attacker's own form value, without the cookie", noRedirect, attackerForm.Fields, nil},
				{"the attacker's form value with the victim's cookie", victim, attackerForm.Fields, nil},
				{"a tampered value", victim, with(victimForm.Fields, formField, old[0]+"."+old[1]+".AAAA"), nil},
				{"an expired form", victim, with(victimForm.Fields, formField, stale), nil},
				{"Sec-Fetch-Site: cross-site", victim, victimForm.Fields, map[string]string{"Sec-Fetch-Site": "cross-site"}},
				{"Origin of another site", victim, victimForm.Fields, map[string]string{"Origin": "http://evil.example"}},
				{"Origin of another port", victim, victimForm.Fields, map[string]string{"Origin": "http://127.0.0.1:1"}},
			} {
				resp := post(tt.client, tt.fields, tt.header)
				if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Location") != "" {
					t.Fatalf("%s: got %d Location=%q, want 403 and no redirect", tt.name, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			eventWith(t, ch, "refused the login form")

			resp, err := victimForm.Post(victim, "alice", "alice", "allow")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
				t.Fatalf("the form from the page itself: got %d Location=%q, want a redirect with a code", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}

// A request body that arrives a byte at a time is cut off at the body
// deadline, against a real listener: the server answers (or hangs up)
// before the client has finished sending it.
func TestDrippedBodyIsCutOff(t *testing.T) {
	for _, style := range bothStyles {
		for _, path := range []string{"token", "login form"} {
			t.Run(string(style)+" "+path, func(t *testing.T) {
				f := start(t, style, func(c *Config) { c.BodyTimeout = 150 * time.Millisecond })
				p := f.s.paths().token
				if path == "login form" {
					p = f.s.paths().auth
				}
				req, _ := http.NewRequest("POST", f.s.Issuer()+p, nil)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				httpguardtest.WantCutOff(t, f.ts.Listener.Addr().String(), req, 150*time.Millisecond)
			})
		}
	}
}

// Introspection of a refresh token this server knows but no longer honours
// answers only {"active":false} (RFC 7662 §2.2), and its event says why:
// rotated out, then revoked with its grant — not "not a token signed by
// this server", which is what an access token's lookup would say.
func TestIntrospectionSaysWhyARefreshTokenIsInactive(t *testing.T) {
	f := start(t, StyleKeycloak)
	ch, cancel := f.bus.Subscribe(256)
	defer cancel()
	_, rt0 := nativeTokens(t, f)
	_, rt1 := tokensOf(t, f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt0), "", ""))
	inactiveBecause := func(tok, why string) {
		t.Helper()
		if f.active(t, tok) {
			t.Fatalf("got active, want inactive (%s)", why)
		}
		e := eventWith(t, ch, "introspected: inactive")
		if want := "reason (not sent, RFC 7662 §2.2): " + why; len(e.Details) != 1 || e.Details[0] != want {
			t.Errorf("got details %q, want %q", e.Details, want)
		}
	}
	inactiveBecause(rt0, "a refresh token rotated out")
	// Reuse of rt0 revokes the grant, rt1 with it.
	f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt0), "", "")
	inactiveBecause(rt1, "revoked")
}

// A refresh token lives refreshTTL: used after that, it is refused and
// buys nothing.
func TestExpiredRefreshTokenIsRefused(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f, clk := startDevice(t, style)
			_, rt := nativeTokens(t, f)
			clk.add(refreshTTL)
			if a := f.post(t, f.s.paths().token, refreshForm(NativeClientID, rt), "", ""); a.status != 400 || a.body["error"] != "invalid_grant" || a.body["access_token"] != nil {
				t.Fatalf("a refresh token used %s after it was issued: got %d %s, want 400 invalid_grant", refreshTTL, a.status, a.raw)
			}
		})
	}
}

// A server revokes a token only for the client it was issued to (RFC 7009
// §2.1): another client's revocation request leaves the access token and
// the refresh token active.
func TestAnotherClientCannotRevoke(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			ch, cancel := f.bus.Subscribe(256)
			defer cancel()
			at, rt := nativeTokens(t, f)
			for name, tok := range map[string]string{"access": at, "refresh": rt} {
				a := f.post(t, f.s.paths().revoke, url.Values{"token": {tok}}, DemoClientID, DemoClientSecret)
				if style == StyleOkta { // its event does not call the token unknown
					eventWith(t, ch, "issued to another client and stays live")
				}
				// Keycloak refuses it (fixture
				// keycloak/error-revocation-unmatching-clients.json); Okta's
				// answer is not recorded: the Okta shape answers 200.
				want := map[Style]int{StyleKeycloak: 400, StyleOkta: 200}[style]
				if a.status != want {
					t.Errorf("%s token revoked by another client: got %d %s, want %d", name, a.status, a.raw, want)
				}
				if !f.active(t, tok) {
					t.Errorf("the %s token of %s was revoked by %s", name, NativeClientID, DemoClientID)
				}
			}
			// A token the server does not know is still called so.
			f.post(t, f.s.paths().revoke, url.Values{"token": {"nope"}}, DemoClientID, DemoClientSecret)
			eventWith(t, ch, "revocation: unknown token")
		})
	}
}

// The client's own refresh token is revoked only while it lives: once
// expired or already revoked, revoking it revokes nothing and is answered
// as an expired access token is (Keycloak: 200 with invalid_token, the
// answer of fixture keycloak/revocation-unknown-token.json; Okta: 200,
// RFC 7009 §2.2), and the event does not say "revoked the token".
func TestRevokingAnOwnDeadRefreshTokenRevokesNothing(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f, clk := startDevice(t, style)
			ch, cancel := f.bus.Subscribe(256)
			defer cancel()
			revoke := func(tok string) (answer, string) {
				a := f.post(t, f.s.paths().revoke, url.Values{"token": {tok}}, NativeClientID, "")
				for {
					select {
					case e := <-ch:
						if strings.HasSuffix(e.Path, f.s.paths().revoke) {
							return a, e.Decision
						}
					case <-time.After(5 * time.Second):
						t.Fatal("no revocation event")
					}
				}
			}
			_, live := nativeTokens(t, f)
			at, rt := nativeTokens(t, f)

			// The opposite case: a live refresh token is revoked.
			if a, ev := revoke(live); a.status != 200 || a.raw != "" || ev != "revoked the token" {
				t.Fatalf("revoking a live refresh token: got %d %q, event %q; want 200, no body, \"revoked the token\"", a.status, a.raw, ev)
			}
			if f.active(t, live) {
				t.Fatal("the revoked refresh token is still active")
			}
			clk.add(max(refreshTTL, f.s.accessTTL()))
			expiredAccess, _ := revoke(at)
			for name, tc := range map[string]struct{ tok, why string }{
				"already revoked": {live, "revoked token"},
				"expired":         {rt, "expired token"},
			} {
				a, ev := revoke(tc.tok)
				if a.status != expiredAccess.status || a.raw != expiredAccess.raw {
					t.Errorf("%s refresh token: got %d %q, want %d %q as for an expired access token", name, a.status, a.raw, expiredAccess.status, expiredAccess.raw)
				}
				if strings.Contains(ev, "revoked the token") || !strings.Contains(ev, tc.why) {
					t.Errorf("%s refresh token: event %q, want one saying %q", name, ev, tc.why)
				}
			}
			if style == StyleKeycloak && expiredAccess.body["error"] != "invalid_token" {
				t.Errorf("Keycloak, expired token: got %s, want 200 with invalid_token", expiredAccess.raw)
			}
		})
	}
}

// Introspection says inactive for a token past its life, access or
// refresh, whatever else is true of it (RFC 7662 §2.2).
func TestExpiredTokensAreInactive(t *testing.T) {
	for _, style := range bothStyles {
		t.Run(string(style), func(t *testing.T) {
			f, clk := startDevice(t, style)
			at, rt := nativeTokens(t, f)
			if !f.active(t, at) || !f.active(t, rt) {
				t.Fatal("fresh tokens are inactive")
			}
			life := max(refreshTTL, f.s.accessTTL())
			clk.add(life)
			for name, tok := range map[string]string{"access": at, "refresh": rt} {
				if f.active(t, tok) {
					t.Errorf("the %s token is active %s after it was issued", name, life)
				}
			}
		})
	}
}

// The authorization request's own refusals, sent back to the (registered)
// redirect URI: a client not allowed the code flow, a PKCE method other
// than S256 (and plain, Keycloak only), a code_challenge that is not 43 to
// 128 unreserved characters (RFC 7636 §4.2).
func TestAuthorizationRequestRefusals(t *testing.T) {
	machine := Client{ID: "machine-only", Secret: "machine-secret", Grants: []string{"client_credentials"}, Scopes: []string{"openid"},
		RedirectURIs: []string{edgeRedirect}}
	_, challenge := pkce()
	native := url.Values{"client_id": {NativeClientID}, "redirect_uri": {edgeRedirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"st"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	tests := []struct {
		name string
		q    url.Values
		want map[Style]string // the error sent back; "" = the login page
	}{
		{"a client without authorization_code", with(native, "client_id", machine.ID),
			map[Style]string{StyleKeycloak: "unauthorized_client", StyleOkta: "unauthorized_client"}},
		{"code_challenge_method S512", with(native, "code_challenge_method", "S512"),
			map[Style]string{StyleKeycloak: "invalid_request", StyleOkta: "invalid_request"}},
		{"code_challenge_method plain", with(native, "code_challenge_method", "plain", "code_challenge", strings.Repeat("p", 43)),
			map[Style]string{StyleKeycloak: "", StyleOkta: "invalid_request"}},
		{"a code_challenge too short", with(native, "code_challenge", "short"),
			map[Style]string{StyleKeycloak: "invalid_request", StyleOkta: "invalid_request"}},
	}
	for _, style := range bothStyles {
		f := start(t, style, func(c *Config) { c.Clients = []Client{machine} })
		for _, tt := range tests {
			t.Run(string(style)+" "+tt.name, func(t *testing.T) {
				status, loc, body := authorizeGet(t, f, tt.q)
				want := tt.want[style]
				if want == "" {
					if status != 200 || !strings.Contains(body, "Sign in") {
						t.Fatalf("got %d Location=%q, want the login page", status, loc)
					}
					return
				}
				u, _ := url.Parse(loc)
				if status != http.StatusFound || u.Query().Get("error") != want || u.Query().Get("code") != "" {
					t.Fatalf("got %d Location=%q, want a redirect with error=%s and no code", status, loc, want)
				}
			})
		}
	}
}
