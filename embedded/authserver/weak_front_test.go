package authserver

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// PKCEOptional: the default server refuses a public client's authorization
// request without code_challenge (redirected invalid_request); the weakened
// one issues a code that anyone holding it redeems without a verifier, and
// its event says it let that through.
func TestWeakPKCEOptional(t *testing.T) {
	q := url.Values{"client_id": {NativeClientID}, "redirect_uri": {edgeRedirect}, "response_type": {"code"},
		"scope": {"openid " + ScopeRead}, "state": {"s"}}
	for _, style := range bothStyles {
		t.Run(string(style)+" default refuses", func(t *testing.T) {
			f := start(t, style)
			loc := authorizeRedirect(t, f, q)
			if got := loc.Query().Get("error"); got != "invalid_request" || !strings.Contains(loc.Query().Get("error_description"), "code_challenge") {
				t.Fatalf("got a redirect to %s, want error=invalid_request about code_challenge", loc)
			}
		})
		t.Run(string(style)+" weakened accepts", func(t *testing.T) {
			f := start(t, style, func(c *Config) { c.Weak.PKCEOptional = true })
			evs, stop := f.bus.Subscribe(64)
			defer stop()
			code := codeFlow(t, f, q, "alice", "alice").Query().Get("code")
			if code == "" {
				t.Fatal("no code from the weakened server")
			}
			e := eventWith(t, evs, "issued an authorization code", "PKCE optional")
			if e.Server != WeakServer {
				t.Errorf("event from %q, want %q", e.Server, WeakServer)
			}
			a := f.post(t, f.s.paths().token, redeem(NativeClientID, code, ""), "", "")
			if a.status != 200 || a.body["access_token"] == nil {
				t.Fatalf("redeeming without a verifier: got %d %s, want 200 with tokens", a.status, a.raw)
			}
		})
		t.Run(string(style)+" weakened still checks a challenge sent", func(t *testing.T) {
			f := start(t, style, func(c *Config) { c.Weak.PKCEOptional = true })
			code, _ := nativeCode(t, f)
			a := f.post(t, f.s.paths().token, redeem(NativeClientID, code, ""), "", "")
			if a.status != 400 || a.body["error"] != "invalid_grant" {
				t.Fatalf("a code issued with a challenge, redeemed without its verifier: got %d %s, want 400 invalid_grant", a.status, a.raw)
			}
		})
	}
}

// RedirectPrefix: the default server refuses on its page, without
// redirecting, a confidential client's redirect URI that is not exactly a
// registered one (another loopback port, or a registered one with more
// after it); the weakened one accepts both and says why in its events.
// A URI on another host is refused by both.
func TestWeakRedirectPrefix(t *testing.T) {
	webApp := Client{ID: "web-app", Secret: "web-app-secret", Grants: []string{"authorization_code"}, Scopes: []string{"openid"},
		RedirectURIs: []string{"http://127.0.0.1:41000/callback"}}
	_, challenge := pkce()
	base := url.Values{"client_id": {webApp.ID}, "response_type": {"code"}, "scope": {"openid"}, "state": {"st"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	tests := []struct {
		name, redirect, why string
		weakAccepts         bool
	}{
		{"another loopback port", "http://127.0.0.1:41001/callback", "only its port differs", true},
		{"a longer URI", "http://127.0.0.1:41000/callback/../../attacker", "starts with the registered", true},
		{"another host", "http://attacker.example/callback", "", false},
		{"userinfo before another port", "http://x@127.0.0.1:41001/callback", "", false},
	}
	for _, style := range bothStyles {
		strict := start(t, style, func(c *Config) { c.Clients = []Client{webApp} })
		weak := start(t, style, func(c *Config) { c.Clients = []Client{webApp}; c.Weak.RedirectPrefix = true })
		for _, tt := range tests {
			t.Run(string(style)+" "+tt.name, func(t *testing.T) {
				q := with(base, "redirect_uri", tt.redirect)
				if status, loc, body := authorizeGet(t, strict, q); status != 400 || loc != "" || !strings.Contains(body, "is not registered for web-app") {
					t.Errorf("default server: got %d Location=%q, want 400 on the page", status, loc)
				}
				status, loc, _ := authorizeGet(t, weak, q)
				if !tt.weakAccepts {
					if status != 400 || loc != "" {
						t.Errorf("weakened server: got %d Location=%q, want 400 on the page", status, loc)
					}
					return
				}
				if status != 200 {
					t.Fatalf("weakened server: got %d Location=%q, want the login page", status, loc)
				}
				evs, stop := weak.bus.Subscribe(64)
				defer stop()
				got := codeFlow(t, weak, q, "alice", "alice")
				got.RawQuery = ""
				if got.String() != tt.redirect || got.String() == "" {
					t.Fatalf("weakened server redirected to %s, want %s", got, tt.redirect)
				}
				eventWith(t, evs, "issued an authorization code", "WEAKENED", tt.why)
			})
		}
	}
}

// authorizeGet opens the authorization endpoint with q, not following a
// redirect.
func authorizeGet(t *testing.T, f *fixture, q url.Values) (status int, location, body string) {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(f.s.Issuer() + f.s.paths().auth + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// authorizeRedirect is authorizeGet for a request the server answers with
// a redirect.
func authorizeRedirect(t *testing.T, f *fixture, q url.Values) *url.URL {
	t.Helper()
	status, loc, body := authorizeGet(t, f, q)
	if status != http.StatusFound {
		t.Fatalf("got %d %.200s, want a redirect", status, body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
