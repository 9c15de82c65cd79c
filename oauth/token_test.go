package oauth_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthlab/oauthlab/oauth"
)

// TestTokenErrorFixtures serves every token-endpoint error Keycloak and Okta
// really send and checks it is parsed and explained right.
func TestTokenErrorFixtures(t *testing.T) {
	tests := []struct {
		file, grant string
		wantWhat    string // in What
		wantTry     string // in Try
	}{
		{"keycloak/error-unauthorized-client-wrong-secret.json", "cc", "Keycloak rejected the client secret", "Credentials"},
		{"keycloak/error-unauthorized-client-service-accounts-disabled.json", "cc", "may not use the client credentials grant", "Service accounts roles"},
		{"keycloak/error-unauthorized-client-public-client-credentials.json", "cc", "public Keycloak client", "Client authentication"},
		{"keycloak/error-invalid-client-unknown-client.json", "cc", "does not know this client", "realm"},
		{"keycloak/error-invalid-client-missing-client-id.json", "cc", "did not find a client id", "--auth"},
		{"keycloak/error-invalid-scope.json", "cc", "Keycloak does not give this client the requested scope", "Client scopes"},
		{"keycloak/error-unsupported-grant-type.json", "cc", "does not support this grant type", "grant_types_supported"},
		{"keycloak/error-missing-grant-type.json", "cc", "has no grant_type", "grant_type"},
		{"keycloak/error-duplicated-parameter.json", "cc", "sent twice", "once"},
		{"keycloak/error-invalid-grant-code.json", "code", "authorization code is invalid", "again"},
		{"keycloak/error-invalid-grant-redirect-uri.json", "code", "redirect_uri differs", "same redirect URI"},
		{"keycloak/error-pkce-mismatch.json", "code", "PKCE", "same attempt"},
		{"keycloak/error-pkce-verifier-invalid.json", "code", "PKCE", "same attempt"},
		{"keycloak/error-pkce-verifier-missing.json", "code", "PKCE", "same attempt"},
		{"keycloak/error-pkce-verifier-without-challenge.json", "code", "PKCE", "same attempt"},
		{"keycloak/error-invalid-grant-refresh-token.json", "refresh", "refresh token is invalid", "log in again"},
		{"keycloak/error-invalid-grant-session-not-active.json", "refresh", "session", "log in again"},
		{"okta/error-invalid-client-secret.json", "cc", "Okta rejected the client secret", "Okta admin console"},
		{"okta/error-invalid-client-unknown-client-id.json", "cc", "Okta does not know this client id", "Okta domain"},
		{"okta/error-no-client-credentials.json", "cc", "no client credentials", "--auth basic"},
		{"okta/error-invalid-scope-openid-client-credentials.json", "cc", "openid", "custom scopes"},
		{"okta/error-invalid-scope-no-default-scopes.json", "cc", "no default scope", "--scope"},
		{"okta/error-invalid-scope-unknown-scope.json", "cc", "does not exist on this authorization server", "Scopes"},
		{"okta/error-unauthorized-client-grant-type.json", "cc", "not allowed to use this grant type", "Grant type"},
		{"okta/error-invalid-grant-code.json", "code", "authorization code is invalid", "again"},
		{"okta/error-invalid-grant-refresh-token.json", "refresh", "refresh token is invalid", "log in again"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c := fromFixture(t, tc.file)
			srv := newFakeServer(t, map[string]canned{"/token": c})
			var fixture map[string]any
			json.Unmarshal(c.body, &fixture)
			wantCode, _ := fixture["error"].(string)
			wantDesc, _ := fixture["error_description"].(string)
			if wantCode == "" { // Okta's errorCode envelope
				wantCode, _ = fixture["errorCode"].(string)
				wantDesc, _ = fixture["errorSummary"].(string)
			}
			cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "test_api_client", ClientSecret: "s3cret", AuthMethod: "post"}
			var err error
			var exs []oauth.Exchange
			switch tc.grant {
			case "cc":
				_, exs, err = oauth.ClientCredentials(context.Background(), nil, cfg)
			case "code":
				req := oauth.AuthRequest{Client: cfg, RedirectURI: "http://127.0.0.1:1234/callback", PKCE: oauth.NewPKCE()}
				_, exs, err = oauth.ExchangeCode(context.Background(), nil, req, "the-code")
			case "refresh":
				_, exs, err = oauth.Refresh(context.Background(), nil, cfg, "the-refresh-token")
			}
			if len(exs) != 1 {
				t.Fatalf("got %d exchanges, want 1", len(exs))
			}
			var e *oauth.Error
			if err == nil {
				t.Fatal("got no error")
			}
			e = oauth.Explain(err)
			if e.Status != c.status {
				t.Errorf("Status: got %d, want %d", e.Status, c.status)
			}
			if e.Code != wantCode || e.Description != wantDesc {
				t.Errorf("Code/Description: got %q %q, want %q %q", e.Code, e.Description, wantCode, wantDesc)
			}
			if !strings.Contains(e.What, tc.wantWhat) {
				t.Errorf("What: got %q, want it to contain %q", e.What, tc.wantWhat)
			}
			if !strings.Contains(e.Try, tc.wantTry) {
				t.Errorf("Try: got %q, want it to contain %q", e.Try, tc.wantTry)
			}
			if e.Cause == "" {
				t.Error("Cause is empty")
			}
			if strings.Contains(e.Error(), "oauth2:") {
				t.Errorf("Error() shows a Go library error: %q", e.Error())
			}
		})
	}
}

func TestTokenResponseFixtures(t *testing.T) {
	tests := []struct {
		file, grant  string
		wantType     string
		wantExpires  int64
		wantRefresh  bool
		wantID       bool
		wantRawField string
	}{
		{"keycloak/token-response-client-credentials.json", "cc", "Bearer", 300, false, false, "not-before-policy"},
		{"okta/token-response-client-credentials.json", "cc", "Bearer", 3600, false, false, "scope"},
		{"keycloak/token-response-authorization-code.json", "code", "Bearer", 300, true, true, "session_state"},
		{"okta/token-response-authorization-code.json", "code", "Bearer", 3600, true, true, "id_token"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			c := fromFixture(t, tc.file)
			srv := newFakeServer(t, map[string]canned{"/token": c})
			var fixture map[string]any
			json.Unmarshal(c.body, &fixture)
			cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "test_api_client", ClientSecret: "s3cret"}
			var tok *oauth.TokenResponse
			var err error
			if tc.grant == "cc" {
				tok, _, err = oauth.ClientCredentials(context.Background(), nil, cfg)
			} else {
				tok, _, err = oauth.ExchangeCode(context.Background(), nil, oauth.AuthRequest{Client: cfg, PKCE: oauth.NewPKCE()}, "c")
			}
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			if tok.AccessToken != fixture["access_token"] || tok.TokenType != tc.wantType || tok.ExpiresIn != tc.wantExpires {
				t.Errorf("got type %q expires_in %d, want %q %d (and the fixture's access token)", tok.TokenType, tok.ExpiresIn, tc.wantType, tc.wantExpires)
			}
			if tok.Expiry.IsZero() {
				t.Error("Expiry not set")
			}
			if tok.Scope != fixture["scope"] {
				t.Errorf("Scope: got %q, want %v", tok.Scope, fixture["scope"])
			}
			if (!tok.RefreshToken.IsZero()) != tc.wantRefresh || (tok.IDToken != "") != tc.wantID {
				t.Errorf("refresh=%v id=%v, want %v %v", !tok.RefreshToken.IsZero(), tok.IDToken != "", tc.wantRefresh, tc.wantID)
			}
			if tc.wantRefresh && tok.RefreshToken.Reveal() != fixture["refresh_token"] {
				t.Error("RefreshToken differs from the fixture")
			}
			if _, ok := tok.Raw[tc.wantRawField]; !ok {
				t.Errorf("Raw lacks %q", tc.wantRawField)
			}
			// The refresh token must not leak through printing.
			if b, _ := json.Marshal(tok); tc.wantRefresh && strings.Contains(string(b), tok.RefreshToken.Reveal()) {
				t.Error("JSON of the token response shows the refresh token")
			}
		})
	}
}

// TestClientAuthOnTheWire checks basic, post and none put the credentials
// where RFC 6749 §2.3.1 says, with scope, audience and resource, in one
// exchange.
func TestClientAuthOnTheWire(t *testing.T) {
	ok := fromFixture(t, "keycloak/token-response-client-credentials.json")
	tests := []struct {
		method                  string
		wantBasic, wantPostSecr bool
	}{
		{"basic", true, false},
		{"client_secret_basic", true, false},
		{"post", false, true},
		{"client_secret_post", false, true},
		{"none", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			srv := newFakeServer(t, map[string]canned{"/token": ok})
			cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "my client:1", ClientSecret: "p@ss:word&", AuthMethod: tc.method,
				Scopes: []string{"test_api_access", "fakebookapi.read"}, Audience: "fakebook", Resource: []string{"https://a.example/", "https://b.example/"}}
			if _, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg); err != nil || len(exs) != 1 {
				t.Fatalf("got err %v, %d exchanges; want success in 1", err, len(exs))
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			auth := r.Header.Get("Authorization")
			if tc.wantBasic {
				// RFC 6749 §2.3.1: form-urlencode id and secret, then base64.
				want := "Basic " + base64.StdEncoding.EncodeToString([]byte("my+client%3A1:p%40ss%3Aword%26"))
				if auth != want {
					t.Errorf("Authorization: got %q, want %q", auth, want)
				}
			} else if auth != "" {
				t.Errorf("Authorization: got %q, want none", auth)
			}
			if got := r.Form.Get("client_secret"); (got == "p@ss:word&") != tc.wantPostSecr {
				t.Errorf("client_secret in body: got %q, want present=%v", got, tc.wantPostSecr)
			}
			if !tc.wantBasic && r.Form.Get("client_id") != "my client:1" {
				t.Errorf("client_id in body: got %q", r.Form.Get("client_id"))
			}
			if r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("scope") != "test_api_access fakebookapi.read" ||
				r.Form.Get("audience") != "fakebook" || strings.Join(r.Form["resource"], " ") != "https://a.example/ https://b.example/" {
				t.Errorf("form: got %v", r.Form)
			}
		})
	}
}

func TestChooseAuthMethod(t *testing.T) {
	tests := []struct {
		requested string
		supported []string
		want      string
	}{
		{"", nil, oauth.AuthBasic},
		{"", []string{"client_secret_post"}, oauth.AuthPost},
		{"", []string{"private_key_jwt", "client_secret_post", "client_secret_basic"}, oauth.AuthBasic},
		{"post", []string{"client_secret_basic"}, oauth.AuthPost},
		{"basic", nil, oauth.AuthBasic},
		{"none", nil, oauth.AuthNone},
		{"", []string{"private_key_jwt"}, oauth.AuthBasic},
	}
	for _, tc := range tests {
		if got := oauth.ChooseAuthMethod(tc.requested, tc.supported); got != tc.want {
			t.Errorf("ChooseAuthMethod(%q, %v): got %q, want %q", tc.requested, tc.supported, got, tc.want)
		}
	}
}

func TestTokenEndpointOddAnswers(t *testing.T) {
	tests := []struct {
		name     string
		c        canned
		wantWhat string
	}{
		{"html login page", canned{200, map[string]string{"Content-Type": "text/html"}, []byte("<!doctype html><html>Sign in</html>")}, "HTML page"},
		{"html 404", canned{404, map[string]string{"Content-Type": "text/html"}, []byte("<html>Not Found</html>")}, "HTML page"},
		{"broken json", canned{200, map[string]string{"Content-Type": "application/json"}, []byte(`{"access_token": "abc`)}, "not a JSON object"},
		{"no access token", canned{200, map[string]string{"Content-Type": "application/json"}, []byte(`{"token_type":"Bearer"}`)}, "without an access_token"},
		{"string expires_in and float exp", canned{200, map[string]string{"Content-Type": "application/json"}, []byte(`{"access_token":"a","token_type":"Bearer","expires_in":"3600"}`)}, ""},
		{"plain 500", canned{500, map[string]string{"Content-Type": "text/plain"}, []byte("boom")}, "HTTP 500"},
		{"bare 401", canned{401, nil, nil}, "HTTP 401"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFakeServer(t, map[string]canned{"/token": tc.c})
			cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s"}
			tok, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
			if tc.wantWhat == "" {
				if err != nil || tok.ExpiresIn != 3600 {
					t.Fatalf("got %v, expires_in %v; want 3600 accepted from a string", err, tok)
				}
				return
			}
			if err == nil {
				t.Fatal("got no error")
			}
			e := oauth.Explain(err)
			if len(exs) != 1 || !strings.Contains(e.What, tc.wantWhat) || e.Try == "" {
				t.Errorf("got %d exchanges, %+v; want What containing %q and a Try", len(exs), e, tc.wantWhat)
			}
			if strings.Contains(e.Error(), "oauth2:") || strings.Contains(e.Error(), "invalid character") && tc.name != "broken json" {
				t.Errorf("Error() leaks library text: %q", e.Error())
			}
		})
	}
}

// The refresh request keeps the granted scope and sends the resource.
func TestRefreshRequest(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{"/token": {200, map[string]string{"Content-Type": "application/json"},
		[]byte(`{"access_token":"new","token_type":"Bearer","expires_in":60}`)}})
	cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "cli", AuthMethod: "none", Scopes: []string{"openid"}, Resource: []string{"https://api/"}}
	tok, _, err := oauth.Refresh(context.Background(), nil, cfg, "old-rt")
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken.Reveal() != "old-rt" {
		t.Errorf("without a new refresh token the old one must be kept, got %q", tok.RefreshToken.Reveal())
	}
	f := srv.requests()[0].Form
	if f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "old-rt" || f.Get("client_id") != "cli" || f.Has("scope") || f.Get("resource") != "https://api/" {
		t.Errorf("refresh form: got %v", f)
	}
	if _, _, err := oauth.Refresh(context.Background(), nil, cfg, ""); err == nil || !strings.Contains(oauth.Explain(err).Cause, "offline_access") {
		t.Errorf("refresh without a token: got %v, want an explained error", err)
	}
}

func TestUnsupportedAuthMethod(t *testing.T) {
	srv := newFakeServer(t, nil)
	cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s", AuthMethod: "private_key_jwt"}
	_, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
	if e := oauth.Explain(err); e == nil || !strings.Contains(e.What, "private_key_jwt") || len(exs) != 0 {
		t.Errorf("got %v with %d exchanges, want a refusal before any request", err, len(exs))
	}
	if _, _, err := oauth.Refresh(context.Background(), nil, cfg, "rt"); err == nil {
		t.Error("Refresh with private_key_jwt: got no error")
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
}

func TestTokenTransportFailures(t *testing.T) {
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(block)
	hc := &http.Client{Timeout: 100 * time.Millisecond}
	cfg := oauth.ClientConfig{TokenURL: slow.URL + "/token", ClientID: "c", ClientSecret: "s"}
	_, exs, err := oauth.ClientCredentials(context.Background(), hc, cfg)
	assertExplained(t, err, "token", "timeout")
	if len(exs) != 1 || exs[0].Err == "" {
		t.Errorf("got %d exchanges, want 1 carrying the transport error", len(exs))
	}
	cfg.TokenURL = "http://127.0.0.1:1/token"
	_, _, err = oauth.ClientCredentials(context.Background(), nil, cfg)
	assertExplained(t, err, "token", "refused")
	_, _, err = oauth.ExchangeCode(context.Background(), nil, oauth.AuthRequest{Client: cfg}, "c")
	assertExplained(t, err, "token", "refused")
	_, _, err = oauth.ClientCredentials(context.Background(), nil, oauth.ClientConfig{ClientID: "c"})
	assertExplained(t, err, "token", "no token endpoint")
	_, _, err = oauth.ClientCredentials(context.Background(), nil, oauth.ClientConfig{TokenURL: slow.URL})
	assertExplained(t, err, "token", "no client id")
}

// Without a secret a client is public whatever method was chosen, except
// for client credentials, where a missing secret is a mistake to say so.
func TestMissingSecret(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{"/token": fromFixture(t, "okta/token-response-authorization-code.json")})
	cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "cli", AuthMethod: oauth.ChooseAuthMethod("", []string{"client_secret_basic"})}
	if _, _, err := oauth.ExchangeCode(context.Background(), nil, oauth.AuthRequest{Client: cfg}, "c"); err != nil {
		t.Fatal(err)
	}
	r := srv.requests()[0]
	if r.Header.Get("Authorization") != "" || r.Form.Get("client_id") != "cli" || r.Form.Has("client_secret") {
		t.Errorf("a client without a secret must send client_id alone: header %q form %v", r.Header.Get("Authorization"), r.Form)
	}
	_, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
	assertExplained(t, err, "token", "no client secret")
	if len(exs) != 0 {
		t.Errorf("got %d exchanges, want none", len(exs))
	}
}

func TestBadEndpointURLs(t *testing.T) {
	cfg := oauth.ClientConfig{ClientID: "c", ClientSecret: "s"}
	for _, u := range []string{"localhost:8080/token", "/token", "ftp://x/token", "http://"} {
		cfg.TokenURL = u
		_, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
		assertExplained(t, err, "token", "is not valid")
		_, _, err2 := oauth.Refresh(context.Background(), nil, cfg, "rt")
		assertExplained(t, err2, "refresh", "is not valid")
		_, _, err3 := oauth.CallAPI(context.Background(), nil, "GET", u, "at", nil)
		assertExplained(t, err3, "api", "is not valid")
		_, _, err4 := oauth.UserInfo(context.Background(), nil, u, "at")
		assertExplained(t, err4, "userinfo", "is not valid")
		if len(exs) != 0 {
			t.Errorf("%s: got %d exchanges, want 0", u, len(exs))
		}
	}
}
