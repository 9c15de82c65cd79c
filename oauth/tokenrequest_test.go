package oauth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"testing"

	"github.com/oauthlab/oauthlab/oauth"
)

// TestGrantsShareOneRequest sends the three grants with each client
// authentication method and checks they go over the wire the same way
// (RFC 6749 §2.3.1, §3.2): the same headers, the credentials where the
// method puts them, the grant's own parameters, one exchange that is
// exactly the request the server saw.
func TestGrantsShareOneRequest(t *testing.T) {
	ok := fromFixture(t, "okta/token-response-authorization-code.json")
	const id, secret = "my client:1", "p@ss:word&"
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("my+client%3A1:p%40ss%3Aword%26"))
	grants := []struct {
		name string
		run  func(cfg oauth.ClientConfig) ([]oauth.Exchange, error)
		want url.Values // the grant's own parameters
	}{
		{"client_credentials", func(cfg oauth.ClientConfig) ([]oauth.Exchange, error) {
			_, exs, err := oauth.ClientCredentials(context.Background(), nil, cfg)
			return exs, err
		}, url.Values{"grant_type": {"client_credentials"}, "scope": {"api.read"}, "resource": {"https://api.example/"}}},
		{"authorization_code", func(cfg oauth.ClientConfig) ([]oauth.Exchange, error) {
			req := oauth.AuthRequest{Client: cfg, RedirectURI: "http://127.0.0.1:8765/callback", PKCE: oauth.PKCE{Verifier: "the-verifier"}}
			_, exs, err := oauth.ExchangeCode(context.Background(), nil, req, "the-code")
			return exs, err
		}, url.Values{"grant_type": {"authorization_code"}, "code": {"the-code"}, "redirect_uri": {"http://127.0.0.1:8765/callback"},
			"code_verifier": {"the-verifier"}, "resource": {"https://api.example/"}}},
		{"refresh_token", func(cfg oauth.ClientConfig) ([]oauth.Exchange, error) {
			_, exs, err := oauth.Refresh(context.Background(), nil, cfg, "the-refresh-token")
			return exs, err
		}, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"the-refresh-token"}, "resource": {"https://api.example/"}}},
	}
	methods := []struct {
		method     string
		wantAuth   string
		wantInBody url.Values
	}{
		{oauth.AuthBasic, basic, url.Values{}},
		{oauth.AuthPost, "", url.Values{"client_id": {id}, "client_secret": {secret}}},
		{oauth.AuthNone, "", url.Values{"client_id": {id}}},
	}
	for _, g := range grants {
		for _, m := range methods {
			t.Run(g.name+"/"+m.method, func(t *testing.T) {
				srv := newFakeServer(t, map[string]canned{"/token": ok})
				cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: id, ClientSecret: secret, AuthMethod: m.method,
					Scopes: []string{"api.read"}, Resource: []string{"https://api.example/"}}
				exs, err := g.run(cfg)
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				reqs := srv.requests()
				if len(exs) != 1 || len(reqs) != 1 {
					t.Fatalf("got %d exchanges and %d requests, want 1 and 1", len(exs), len(reqs))
				}
				r := reqs[0]
				if r.Method != "POST" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.Header.Get("Accept") != "application/json" {
					t.Errorf("got %s, Content-Type %q, Accept %q; want POST, a form and application/json",
						r.Method, r.Header.Get("Content-Type"), r.Header.Get("Accept"))
				}
				if got := r.Header.Get("Authorization"); got != m.wantAuth {
					t.Errorf("Authorization: got %q, want %q", got, m.wantAuth)
				}
				want := url.Values{}
				for k, v := range g.want {
					want[k] = v
				}
				for k, v := range m.wantInBody {
					want[k] = v
				}
				if got, w := r.Form.Encode(), want.Encode(); got != w {
					t.Errorf("form:\n got %s\nwant %s", got, w)
				}
				ex := exs[0]
				if string(ex.RequestBody) != r.Form.Encode() || ex.RequestHeader.Get("Authorization") != m.wantAuth || ex.Status != 200 {
					t.Errorf("the exchange is not the request: body %q, Authorization %q, status %d", ex.RequestBody, ex.RequestHeader.Get("Authorization"), ex.Status)
				}
			})
		}
	}
}

// RequestToken takes any grant's form: the device code grant (RFC 8628
// §3.4) goes the same path, and its polling answer is a code errors.Is
// tells apart. The caller's form is not changed, and a form without a
// grant_type is refused before anything is sent.
func TestRequestTokenAnyGrant(t *testing.T) {
	srv := newFakeServer(t, map[string]canned{"/token": {400, map[string]string{"Content-Type": "application/json"},
		[]byte(`{"error":"authorization_pending","error_description":"The device authorization is pending."}`)}})
	cfg := oauth.ClientConfig{TokenURL: srv.URL + "/token", ClientID: "tv", ClientSecret: "s3cret", AuthMethod: oauth.AuthPost}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {"dc-1"}}
	tok, exs, err := oauth.RequestToken(context.Background(), nil, cfg, form)
	if tok != nil || len(exs) != 1 || !errors.Is(err, oauth.ErrAuthorizationPending) || errors.Is(err, oauth.ErrSlowDown) {
		t.Fatalf("got %v, %d exchanges, %v; want authorization_pending in 1 exchange", tok, len(exs), err)
	}
	if e := oauth.Explain(err); e.Op != "token" || !e.Retry || e.Try == "" {
		t.Errorf("got op %q, retry %v, try %q; want token, a retry and what to do", e.Op, e.Retry, e.Try)
	}
	r := srv.requests()[0]
	if r.Form.Get("device_code") != "dc-1" || r.Form.Get("client_id") != "tv" || r.Form.Get("client_secret") != "s3cret" {
		t.Errorf("form: got %v", r.Form)
	}
	if len(form) != 2 || form.Has("client_secret") {
		t.Errorf("the caller's form was changed: %v", form)
	}

	_, exs, err = oauth.RequestToken(context.Background(), nil, cfg, url.Values{"device_code": {"dc-1"}})
	if e := oauth.Explain(err); e == nil || e.What != "the token request has no grant_type" || len(exs) != 0 {
		t.Errorf("got %v with %d exchanges, want a refusal before sending", err, len(exs))
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}
