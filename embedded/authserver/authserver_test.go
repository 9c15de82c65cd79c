package authserver

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthlab/oauthlab/embedded/authserver/authservertest"
	"github.com/oauthlab/oauthlab/embedded/events"
	"github.com/oauthlab/oauthlab/oauth"
)

type fixture struct {
	s   *Server
	ts  *httptest.Server
	bus *events.Bus
}

func start(t *testing.T, style Style, configure ...func(*Config)) *fixture {
	t.Helper()
	// Listener first so the base URL is known before the handler is built,
	// and the handler set before serving (no race with outside clients).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bus := events.NewBus()
	cfg := Config{BaseURL: "http://" + ln.Addr().String(), Style: style, Events: bus}
	for _, c := range configure {
		c(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(s.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	return &fixture{s: s, ts: ts, bus: bus}
}

func (f *fixture) tokenURL() string { return f.s.Issuer() + f.s.paths().token }

type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (f *fixture) post(t *testing.T, path string, form url.Values, basicID, basicSecret string) answer {
	t.Helper()
	a, err := f.postErr(path, form, basicID, basicSecret)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// postErr is post for goroutines other than the test's.
func (f *fixture) postErr(path string, form url.Values, basicID, basicSecret string) (answer, error) {
	req, _ := http.NewRequest("POST", f.s.Issuer()+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	_ = json.Unmarshal(b, &a.body)
	return a, nil
}

func TestClientCredentialsAndErrorsBothShapes(t *testing.T) {
	cc := url.Values{"grant_type": {"client_credentials"}, "scope": {"fakebookapi.read"}}
	tests := []struct {
		name       string
		style      Style
		form       url.Values
		id, secret string // HTTP Basic when set
		wantStatus int
		wantError  string
		wantDesc   string
		wantBasic  bool // WWW-Authenticate: Basic
	}{
		{"keycloak basic ok", StyleKeycloak, cc, DemoClientID, DemoClientSecret, 200, "", "", false},
		{"keycloak post ok", StyleKeycloak, with(cc, "client_id", DemoClientID, "client_secret", DemoClientSecret), "", "", 200, "", "", false},
		{"keycloak wrong secret is unauthorized_client", StyleKeycloak, cc, DemoClientID, "nope", 401, "unauthorized_client", "Invalid client or Invalid client credentials", true},
		{"keycloak unknown client", StyleKeycloak, cc, "who", "x", 401, "invalid_client", "Invalid client or Invalid client credentials", true},
		{"keycloak missing client_id", StyleKeycloak, cc, "", "", 400, "invalid_client", "Missing client_id parameter", false},
		{"keycloak missing grant_type", StyleKeycloak, url.Values{}, DemoClientID, DemoClientSecret, 400, "invalid_request", "Missing form parameter: grant_type", false},
		{"keycloak unsupported grant", StyleKeycloak, url.Values{"grant_type": {"password"}}, DemoClientID, DemoClientSecret, 400, "unsupported_grant_type", "Unsupported grant_type", false},
		{"keycloak invalid scope", StyleKeycloak, with(cc, "scope", "payments:write"), DemoClientID, DemoClientSecret, 400, "invalid_scope", "Invalid scopes: payments:write", false},
		{"keycloak reader may not ask admin", StyleKeycloak, with(cc, "scope", "fakebookapi.admin"), ReaderClientID, ReaderClientSecret, 400, "invalid_scope", "Invalid scopes: fakebookapi.admin", false},
		{"keycloak public client cannot use client credentials", StyleKeycloak, with(cc, "client_id", NativeClientID), "", "", 401, "unauthorized_client", "Public client not allowed to retrieve service account", false},
		{"keycloak two auth methods", StyleKeycloak, with(cc, "client_secret", "x"), DemoClientID, DemoClientSecret, 400, "invalid_request", "more than one authentication method", false},
		{"keycloak basic for one client, body names another", StyleKeycloak, with(cc, "client_id", ReaderClientID), DemoClientID, DemoClientSecret, 400, "invalid_request", "client_id in the body differs", false},
		{"keycloak duplicated parameter", StyleKeycloak, url.Values{"grant_type": {"client_credentials"}, "scope": {"a", "b"}}, DemoClientID, DemoClientSecret, 400, "invalid_request", "duplicated parameter scope", false},
		{"okta basic ok", StyleOkta, cc, DemoClientID, DemoClientSecret, 200, "", "", false},
		{"okta wrong secret is invalid_client", StyleOkta, cc, DemoClientID, "nope", 401, "invalid_client", "The client secret supplied for a confidential client is invalid.", true},
		{"okta openid with client credentials", StyleOkta, with(cc, "scope", "openid fakebookapi.read"), DemoClientID, DemoClientSecret, 400, "invalid_scope", "Cannot request 'openid' scopes using client credentials.", false},
		{"okta no scope", StyleOkta, url.Values{"grant_type": {"client_credentials"}}, DemoClientID, DemoClientSecret, 400, "invalid_scope", "does not have any configured default scopes", false},
		{"okta no credentials", StyleOkta, cc, "", "", 401, "invalid_client", "No client credentials found.", false},
		{"okta unknown scope", StyleOkta, with(cc, "scope", "nope"), DemoClientID, DemoClientSecret, 400, "invalid_scope", "One or more scopes are not configured", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := start(t, tt.style)
			a := f.post(t, f.s.paths().token, tt.form, tt.id, tt.secret)
			if a.status != tt.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", a.status, a.raw, tt.wantStatus)
			}
			if cc := a.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control: got %q, want no-store (RFC 6749 §5.1)", cc)
			}
			if got := a.header.Get("WWW-Authenticate"); (got != "") != tt.wantBasic || (tt.wantBasic && !strings.HasPrefix(got, "Basic")) {
				t.Errorf("WWW-Authenticate: got %q, want Basic challenge: %v", got, tt.wantBasic)
			}
			if tt.wantError == "" {
				if a.body["access_token"] == nil || a.body["token_type"] != "Bearer" {
					t.Fatalf("no token in %s", a.raw)
				}
				return
			}
			if a.body["error"] != tt.wantError || !strings.Contains(a.body["error_description"].(string), tt.wantDesc) {
				t.Fatalf("got %s, want error %q with description containing %q", a.raw, tt.wantError, tt.wantDesc)
			}
		})
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// The tokens look like the real servers' (fixtures */access-token-*.json).
func TestAccessTokenShapes(t *testing.T) {
	for _, tt := range []struct {
		style  Style
		header string
		claims []string
		aud    string
	}{
		{StyleKeycloak, `{"alg":"RS256","typ" : "JWT","kid" : "`, []string{"exp", "iat", "jti", "iss", "aud", "sub", "typ", "azp", "acr", "allowed-origins", "realm_access", "resource_access", "scope", "clientHost", "email_verified", "preferred_username", "clientAddress", "client_id"}, "account"},
		{StyleOkta, `{"kid":"`, []string{"ver", "jti", "iss", "aud", "iat", "exp", "cid", "scp", "sub"}, "api://default"},
	} {
		t.Run(string(tt.style), func(t *testing.T) {
			f := start(t, tt.style)
			a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}, "scope": {"fakebookapi.read test_api_access"}}, DemoClientID, DemoClientSecret)
			jwt, err := oauth.DecodeJWT(a.body["access_token"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(jwt.HeaderJSON), tt.header) {
				t.Errorf("header: got %s, want it to start %s", jwt.HeaderJSON, tt.header)
			}
			if got := keysInOrder(t, jwt.ClaimsJSON); strings.Join(got, " ") != strings.Join(tt.claims, " ") {
				t.Errorf("claims:\n got %v\nwant %v", got, tt.claims)
			}
			if jwt.Claims["aud"] != tt.aud || jwt.Claims["iss"] != f.s.Issuer() {
				t.Errorf("aud/iss: got %v / %v", jwt.Claims["aud"], jwt.Claims["iss"])
			}
			if tt.style == StyleOkta {
				if scp, ok := jwt.Claims["scp"].([]any); !ok || len(scp) != 2 || jwt.Claims["sub"] != DemoClientID {
					t.Errorf("okta scp must be a JSON array and sub the client id: %s", jwt.ClaimsJSON)
				}
			} else if jwt.Claims["preferred_username"] != "service-account-"+DemoClientID {
				t.Errorf("preferred_username: got %v", jwt.Claims["preferred_username"])
			}
		})
	}
}

func keysInOrder(t *testing.T, b []byte) []string {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.Token()
	var keys []string
	depth := 0
	for dec.More() || depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 0 {
				keys = append(keys, v)
				var skip json.RawMessage
				dec.Decode(&skip)
			}
		}
	}
	return keys
}

func TestJWKSHasEncKeyInKeycloakShape(t *testing.T) {
	f := start(t, StyleKeycloak)
	resp, err := http.Get(f.s.Issuer() + f.s.paths().certs)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct{ Keys []map[string]any }
	json.NewDecoder(resp.Body).Decode(&set)
	uses := map[string]int{}
	for _, k := range set.Keys {
		uses[k["use"].(string)]++
	}
	if uses["sig"] != 1 || uses["enc"] != 1 {
		t.Fatalf("got uses %v, want one sig and one enc key", uses)
	}
}

// codeFlow signs in on the login page as a browser would (it keeps the
// page's cookie and posts back its hidden fields) and returns the redirect.
func codeFlow(t *testing.T, f *fixture, q url.Values, user, pass string) *url.URL {
	t.Helper()
	return signIn(t, f, q, user, pass, "allow")
}

// signIn opens the login page for the request q, submits it with the
// consent given and returns the redirect the server answers with.
func signIn(t *testing.T, f *fixture, q url.Values, user, pass, consent string) *url.URL {
	t.Helper()
	authURL := f.s.Issuer() + f.s.paths().auth
	browser := authservertest.WithJar(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }})
	form, err := authservertest.Open(browser, authURL+"?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := form.Post(browser, user, pass, consent)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login POST: got %d, want 302", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return loc
}

func pkce() (verifier, challenge string) {
	verifier = strings.Repeat("v", 20) + "-abcdefghijklmnopqrstuvwxyz0123"
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestCodeFlowPKCEIDTokenRefreshRotation(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			verifier, challenge := pkce()
			redirect := "http://127.0.0.1:53682/callback" // any port: RFC 8252 §7.3
			q := url.Values{"client_id": {NativeClientID}, "redirect_uri": {redirect}, "response_type": {"code"},
				"scope": {"openid profile email offline_access fakebookapi.read"}, "state": {"st-123"}, "nonce": {"n-456"},
				"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
			loc := codeFlow(t, f, q, "alice", "alice")
			if loc.Query().Get("state") != "st-123" || loc.Query().Get("code") == "" {
				t.Fatalf("redirect: got %s, want code and state echoed", loc)
			}
			code := loc.Query().Get("code")
			ex := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
				"client_id": {NativeClientID}, "code_verifier": {verifier}}
			a := f.post(t, f.s.paths().token, ex, "", "")
			if a.status != 200 {
				t.Fatalf("code exchange: %d %s", a.status, a.raw)
			}
			idt, err := oauth.DecodeJWT(a.body["id_token"].(string))
			if err != nil {
				t.Fatal(err)
			}
			checks := oauth.CheckIDToken(a.body["id_token"].(string), f.s.Issuer(), NativeClientID, "n-456", f.s.cfg.Now())
			if oauth.Failed(checks) {
				t.Fatalf("ID token checks failed: %+v (claims %s)", checks, idt.ClaimsJSON)
			}
			// Refresh with rotation: the old refresh token stops working.
			rt := a.body["refresh_token"].(string)
			r1 := f.post(t, f.s.paths().token, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {NativeClientID}}, "", "")
			if r1.status != 200 || r1.body["refresh_token"] == rt {
				t.Fatalf("refresh: got %d %s, want 200 with a new refresh token", r1.status, r1.raw)
			}
			// (Presenting rt again would be reuse: TestRefreshReuseRevokesTheGrant.)
			// userinfo with the new access token.
			req, _ := http.NewRequest("GET", f.s.Issuer()+f.s.paths().userinfo, nil)
			req.Header.Set("Authorization", "Bearer "+r1.body["access_token"].(string))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var ui map[string]any
			json.NewDecoder(resp.Body).Decode(&ui)
			resp.Body.Close()
			if resp.StatusCode != 200 || ui["email"] != "alice@example.test" {
				t.Fatalf("userinfo: %d %v", resp.StatusCode, ui)
			}
			// The code is single use; its reuse revokes what it gave (RFC 6749 §4.1.2).
			if again := f.post(t, f.s.paths().token, ex, "", ""); again.status != 400 || again.body["error"] != "invalid_grant" {
				t.Fatalf("code reuse: got %d %s, want 400 invalid_grant", again.status, again.raw)
			}
			intro := f.post(t, f.s.paths().introspect, url.Values{"token": {r1.body["access_token"].(string)}}, IntrospectClientID, IntrospectClientSecret)
			if intro.raw != "{\"active\":false}\n" {
				t.Fatalf("after code reuse tokens issued from the code must be inactive, got %s", intro.raw)
			}
		})
	}
}

func TestCodeFlowRefusals(t *testing.T) {
	f := start(t, StyleKeycloak)
	verifier, challenge := pkce()
	redirect := "http://127.0.0.1:40000/callback"
	base := url.Values{"client_id": {NativeClientID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	t.Run("wrong verifier", func(t *testing.T) {
		code := codeFlow(t, f, base, "bob", "bob").Query().Get("code")
		a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
			"client_id": {NativeClientID}, "code_verifier": {strings.Repeat("x", 43)}}, "", "")
		if a.body["error_description"] != "PKCE verification failed: Code mismatch" {
			t.Fatalf("got %s", a.raw)
		}
	})
	t.Run("redirect_uri differs at the token endpoint", func(t *testing.T) {
		code := codeFlow(t, f, base, "bob", "bob").Query().Get("code")
		a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://127.0.0.1:1/callback"},
			"client_id": {NativeClientID}, "code_verifier": {verifier}}, "", "")
		if a.body["error_description"] != "Incorrect redirect_uri" {
			t.Fatalf("got %s", a.raw)
		}
	})
	t.Run("unregistered redirect renders on the page, no redirect", func(t *testing.T) {
		q := with(base, "redirect_uri", "https://evil.example/callback")
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(f.s.Issuer() + f.s.paths().auth + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(string(b), "redirect_uri") {
			t.Fatalf("got %d Location=%q, want 400 on the page", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("public client without PKCE is sent back an error", func(t *testing.T) {
		q := with(base, "code_challenge", "")
		q.Del("code_challenge")
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(f.s.Issuer() + f.s.paths().auth + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc.Query().Get("error") != "invalid_request" || loc.Query().Get("state") != "s" {
			t.Fatalf("got %s, want error=invalid_request with state", loc)
		}
	})
	t.Run("deny gives access_denied", func(t *testing.T) {
		loc := signIn(t, f, base, "", "", "deny")
		if loc.Query().Get("error") != "access_denied" {
			t.Fatalf("got %s", loc)
		}
	})
}

func TestIntrospectionAndRevocation(t *testing.T) {
	for _, style := range []Style{StyleKeycloak, StyleOkta} {
		t.Run(string(style), func(t *testing.T) {
			f := start(t, style)
			a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}, "scope": {"fakebookapi.read"}}, DemoClientID, DemoClientSecret)
			at := a.body["access_token"].(string)
			in := f.post(t, f.s.paths().introspect, url.Values{"token": {at}}, IntrospectClientID, IntrospectClientSecret)
			if in.body["active"] != true || in.body["client_id"] != DemoClientID {
				t.Fatalf("introspect active: %s", in.raw)
			}
			if noAuth := f.post(t, f.s.paths().introspect, url.Values{"token": {at}}, "", ""); noAuth.status != 400 && noAuth.status != 401 {
				t.Fatalf("introspection without client auth: got %d, want 400/401", noAuth.status)
			}
			if rv := f.post(t, f.s.paths().revoke, url.Values{"token": {at}}, DemoClientID, DemoClientSecret); rv.status != 200 {
				t.Fatalf("revoke: %d %s", rv.status, rv.raw)
			}
			if in := f.post(t, f.s.paths().introspect, url.Values{"token": {at}}, IntrospectClientID, IntrospectClientSecret); in.raw != "{\"active\":false}\n" {
				t.Fatalf("after revocation: got %s, want only {\"active\":false}", in.raw)
			}
			unknown := f.post(t, f.s.paths().revoke, url.Values{"token": {"nope"}}, DemoClientID, DemoClientSecret)
			if unknown.status != 200 {
				t.Fatalf("revoking an unknown token: got %d, want 200 (RFC 7009 §2.2)", unknown.status)
			}
			if style == StyleKeycloak && unknown.body["error"] != "invalid_token" {
				t.Fatalf("Keycloak answers an unknown token with 200 and an error body, got %s", unknown.raw)
			}
		})
	}
}

// golang.org/x/oauth2 against the server: client credentials in both auth
// styles, and the code flow with PKCE.
func TestInteropGoOAuth2(t *testing.T) {
	f := start(t, StyleKeycloak)
	ctx := context.Background()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cfg := clientcredentials.Config{ClientID: DemoClientID, ClientSecret: DemoClientSecret, TokenURL: f.tokenURL(),
			Scopes: []string{"fakebookapi.read"}, AuthStyle: style}
		tok, err := cfg.Token(ctx)
		if err != nil || tok.AccessToken == "" || !tok.Valid() {
			t.Fatalf("clientcredentials (style %d): %v", style, err)
		}
	}
	verifier := oauth2.GenerateVerifier()
	conf := oauth2.Config{ClientID: NativeClientID, RedirectURL: "http://127.0.0.1:7777/callback", Scopes: []string{"openid", "fakebookapi.read"},
		Endpoint: oauth2.Endpoint{AuthURL: f.s.Issuer() + f.s.paths().auth, TokenURL: f.tokenURL(), AuthStyle: oauth2.AuthStyleInParams}}
	u, _ := url.Parse(conf.AuthCodeURL("xyz", oauth2.S256ChallengeOption(verifier)))
	loc := codeFlow(t, f, u.Query(), "alice", "alice")
	tok, err := conf.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("x/oauth2 code exchange: %v", err)
	}
	if tok.Extra("id_token") == nil || tok.RefreshToken == "" {
		t.Fatalf("want an ID token and a refresh token, got %+v", tok)
	}
}

func TestEventsArePublished(t *testing.T) {
	f := start(t, StyleKeycloak)
	ch, cancel := f.bus.Subscribe(16)
	defer cancel()
	f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}}, DemoClientID, "wrong")
	e := <-ch
	if e.Server != "authserver" || e.Status != 401 || !strings.Contains(e.Decision, "unauthorized_client") || e.Client != DemoClientID {
		t.Fatalf("got %+v, want a 401 unauthorized_client event for %s", e, DemoClientID)
	}
	if strings.Contains(e.Decision+strings.Join(e.Details, " "), "wrong") {
		t.Fatal("the event leaks the secret that was sent")
	}
}

func TestRotateKeysKeepsOldTokensValid(t *testing.T) {
	f := start(t, StyleKeycloak)
	a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}}, DemoClientID, DemoClientSecret)
	old := a.body["access_token"].(string)
	if _, _, err := f.s.RotateKeys(); err != nil {
		t.Fatal(err)
	}
	b := f.post(t, f.s.paths().token, url.Values{"grant_type": {"client_credentials"}}, DemoClientID, DemoClientSecret)
	j1, _ := oauth.DecodeJWT(old)
	j2, _ := oauth.DecodeJWT(b.body["access_token"].(string))
	if j1.Header["kid"] == j2.Header["kid"] {
		t.Fatal("rotation did not change the signing key")
	}
	if in := f.post(t, f.s.paths().introspect, url.Values{"token": {old}}, IntrospectClientID, IntrospectClientSecret); in.body["active"] != true {
		t.Fatalf("a token of the old key must stay valid until it expires: %s", in.raw)
	}
}

func BenchmarkIssueClientCredentials(b *testing.B) {
	s, _ := New(Config{BaseURL: "http://127.0.0.1:1", Events: nil})
	c := s.clients[DemoClientID]
	if _, e := s.issue(c, nil, []string{"fakebookapi.read"}, issueOpts{grant: "client_credentials"}); e != nil {
		b.Fatal(e)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, e := s.issue(c, nil, []string{"fakebookapi.read"}, issueOpts{grant: "client_credentials"}); e != nil {
			b.Fatal(e)
		}
	}
}

// Registered clients: one replaces a demo client (its old secret stops
// working), a new public one signs a user in with PKCE on any loopback
// port, and is held to PKCE; bad registrations are refused by New.
func TestRegisteredClients(t *testing.T) {
	f := start(t, StyleKeycloak, func(c *Config) {
		c.Clients = []Client{
			{ID: DemoClientID, Secret: "rotated", Grants: []string{"client_credentials"}, Scopes: []string{ScopeRead}},
			{ID: "spa", Grants: []string{"authorization_code"}, Scopes: []string{"openid", ScopeRead},
				RedirectURIs: []string{"http://127.0.0.1/cb"}},
		}
	})
	cc := url.Values{"grant_type": {"client_credentials"}}
	if a := f.post(t, f.s.paths().token, cc, DemoClientID, DemoClientSecret); a.status != 401 {
		t.Fatalf("the replaced client's old secret: %d %s, want 401", a.status, a.raw)
	}
	if a := f.post(t, f.s.paths().token, cc, DemoClientID, "rotated"); a.status != 200 {
		t.Fatalf("the replaced client's new secret: %d %s, want 200", a.status, a.raw)
	}
	if a := f.post(t, f.s.paths().token, with(cc, "scope", ScopeAdmin), DemoClientID, "rotated"); a.status != 400 || a.body["error"] != "invalid_scope" {
		t.Fatalf("a scope the registration does not give: %d %s, want invalid_scope", a.status, a.raw)
	}
	verifier, challenge := pkce()
	redirect := "http://127.0.0.1:40123/cb"
	q := url.Values{"client_id": {"spa"}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"openid fakebookapi.read"},
		"state": {"s"}, "nonce": {"n"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	loc := codeFlow(t, f, q, "bob", "bob")
	ex := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {redirect},
		"client_id": {"spa"}, "code_verifier": {verifier}}
	if a := f.post(t, f.s.paths().token, ex, "", ""); a.status != 200 || a.body["id_token"] == nil {
		t.Fatalf("the registered public client's code exchange: %d %s", a.status, a.raw)
	}
	ex.Set("code_verifier", "")
	if a := f.post(t, f.s.paths().token, ex, "", ""); a.status == 200 {
		t.Fatal("a code exchange without the verifier must fail")
	}

	for _, tt := range []struct {
		c    Client
		want string
	}{
		{Client{Grants: []string{"client_credentials"}}, "needs a client_id"},
		{Client{ID: "x"}, "no grant_types"},
		{Client{ID: "x", Grants: []string{"client_credentials"}}, "needs a client_secret"},
		{Client{ID: "x", Secret: "s", Grants: []string{"implicit"}}, "not supported"},
		{Client{ID: "x", Grants: []string{"authorization_code"}}, "needs redirect_uris"},
		{Client{ID: "x", Grants: []string{"authorization_code"}, RedirectURIs: []string{"http://127.0.0.1/cb#frag"}}, "without a fragment"},
	} {
		_, err := New(Config{BaseURL: "http://127.0.0.1:1", Clients: []Client{tt.c}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want an error about %q", tt.c, err, tt.want)
		}
	}
}

// A code lives codeTTL (60 s): redeemed later, with everything else right,
// it is refused.
func TestExpiredCodeIsRefused(t *testing.T) {
	f, clk := startDevice(t, StyleKeycloak)
	verifier, challenge := pkce()
	redirect := "http://127.0.0.1:40000/callback"
	q := url.Values{"client_id": {NativeClientID}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"s"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	code := codeFlow(t, f, q, "bob", "bob").Query().Get("code")
	clk.add(codeTTL)
	a := f.post(t, f.s.paths().token, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
		"client_id": {NativeClientID}, "code_verifier": {verifier}}, "", "")
	if a.status != 400 || a.body["error"] != "invalid_grant" || a.body["access_token"] != nil {
		t.Fatalf("a code redeemed %s after it was issued: got %d %s, want 400 invalid_grant", codeTTL, a.status, a.raw)
	}
}
